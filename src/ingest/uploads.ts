import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { scratchRoot } from '../store/scratch.ts';

/**
 * Where HTTP uploads wait to be imported (上传文件): the uploaded files are plaintext exports (phones, names), so they
 * go where the CLI import keeps its plaintext working copies — the process's private scratch root (src/store/scratch.ts:
 * memory-backed when the machine has room, 0700, removed when the process exits, and a killed process's root removed
 * by the next one) — never the data directory. Each upload is `<root>/upload-<job id>/<n>/<name>`.
 */

/** Room the scratch root is chosen with when an upload is its first use (as an import's memory cap spills ≥ 1 GiB). */
const UPLOAD_ROOM = 1 << 30;

/** A new upload's directory (0700), removed by the job when it ends. */
export function uploadDir(id: string): string {
  const dir = join(scratchRoot(UPLOAD_ROOM).dir, `upload-${id}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/**
 * At a server's start: uploads a killed server left are removed — those in the scratch (with its root, when its
 * process no longer runs) and those of the layout before this one (`<data>/uploads/<id>`).
 */
export function removeLeftoverUploads(dataDir: string): void {
  scratchRoot(UPLOAD_ROOM);
  rmSync(join(dataDir, 'uploads'), { recursive: true, force: true });
}

/** The path prefix of an uploaded file (either layout), up to its own name. */
const UPLOAD_PREFIX = /[^\s"'`]*\/(?:uploads\/|upload-)[0-9a-f-]{36}\/\d+\//g;

/** Text without the server paths of uploaded files: each is named as uploaded. */
export function withoutUploadPaths(text: string): string {
  return text.replace(UPLOAD_PREFIX, '');
}

/** A file's identity across runs: an upload by its name (`upload:<name>`), any other file by its path. */
export function uploadKey(path: string): string {
  const named = withoutUploadPaths(path);
  return named === path ? path : `upload:${named}`;
}
