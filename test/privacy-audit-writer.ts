/**
 * A process that appends N audit entries to the state store of SIYU_DATA_DIR (the audit test runs several at once).
 * It opens only the state store and the keyring: the warehouse file admits one process.
 */
import { dataDir, paths, stateUrl } from '../src/config.ts';
import { openState } from '../src/store/open.ts';
import { loadKeys } from '../src/privacy/keyring.ts';
import { audit } from '../src/privacy/audit.ts';

const [actor, n] = [process.argv[2] ?? 'writer', Number(process.argv[3] ?? 10)];
const dir = dataDir();
const state = await openState({ file: paths.state(dir), url: stateUrl() });
const log = { state, dir, keys: loadKeys(paths.keyring(dir)) };
for (let i = 0; i < n; i++) await audit(log, { actor, action: 'pii.read', target: `customer:${i}`, workspaceId: 1 });
await state.close();
