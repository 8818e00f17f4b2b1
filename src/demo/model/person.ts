import { Rng } from './random.ts';
import { Calendar, DAY } from './calendar.ts';
import { CITIES, type Catalog } from './catalog.ts';
import { surname, givenName, nickname } from './names.ts';
import { ACQUISITION_CHANNELS, CONSENT_PURPOSES, type AcquisitionChannel, type DemoParams } from './params.ts';

/**
 * One fictional person (a distinct human, 真实个人): identifiers, profile, acquisition, consents. Behaviour (orders,
 * events) is added by behaviour.ts. Identifiers are unique per person by construction (they embed the index
 * through a bijection), so the true number of distinct people is exactly the number generated.
 */
export interface Person {
  index: number;
  memberNo: string;
  phone: string;
  email: string | null;
  unionid: string | null;
  openid: string | null;
  name: string;
  nick: string;
  gender: 'male' | 'female';
  birthday: string | null;
  minor: boolean;
  guardianConsent: boolean;
  cityIndex: number;
  homeStore: number | null;
  ownerStaff: number | null;
  acquisition: AcquisitionChannel;
  acquiredAt: number;
  onlinePref: number;
  mom: boolean;
  extraRecords: { memberNo: string; via: 'phone' | 'unionid' }[];
  consents: { purpose: string; status: 'granted' | 'withdrawn'; at: number }[];
}

const PREFIXES = ['130', '131', '132', '133', '135', '136', '137', '138', '139', '150', '151', '152', '155', '156', '157', '158', '159', '166', '176', '177', '180', '181', '182', '185', '186', '187', '188', '189', '191', '198', '199'];
const B62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function token(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += B62[rng.int(62)];
  return s;
}

/** The i-th unique 8-digit suffix: a bijection on 0..10^8-1 (multiplier coprime with 10). */
function suffix(seed: number, i: number): string {
  const off = (seed * 2654435761) % 1e8;
  return String((i * 61803399 + off) % 1e8).padStart(8, '0');
}

export function makePerson(seed: number, i: number, cal: Calendar, cat: Catalog, acqCdf: Float64Array, p: DemoParams): Person {
  const rng = Rng.for(seed, 'person', i);
  const gender = rng.chance(0.72) ? 'female' : 'male';
  const name = surname(rng) + givenName(rng);
  const acquisition = ACQUISITION_CHANNELS[rng.weighted(ACQUISITION_CHANNELS.map((c) => p.acquisitionMix[c]))];
  const day = Calendar.drawDay(acqCdf, rng.next());
  const acquiredAt = cal.timeInDay(day, rng.next());
  let cityIndex = rng.weighted(cat.cityWeights);
  if (acquisition === 'store' && cat.storesByCity[cityIndex].length === 0) cityIndex = 0;
  const local = cat.storesByCity[cityIndex];
  const homeStore = local.length ? rng.pick(local) : null;
  const guides = (s: number) => cat.stores[s].staff.filter((x) => cat.staff[x].role === 'guide');
  const ownerStaff = acquisition === 'wecom_qr' ? rng.pick(guides(homeStore ?? rng.int(cat.stores.length))) : null;
  const onlineBase: Record<AcquisitionChannel, number> = { store: 0.25, wecom_qr: 0.45, mini_program: 0.8, official_account: 0.7, live_stream: 0.85, referral: 0.6 };
  const onlinePref = homeStore === null ? 0.92 : onlineBase[acquisition];
  const minor = rng.chance(p.minors.rate);
  const guardianConsent = minor && rng.chance(p.minors.guardianConsentRate);
  const endYear = new Date(cal.end * 1000).getUTCFullYear();
  let birthday: string | null = null;
  if (minor || rng.chance(p.profile.birthdayRate)) {
    const age = minor ? 9 + rng.int(4) : 18 + Math.floor(Math.min(42, Math.abs(rng.normal() * 9 + 14)));
    const doy = rng.int(365);
    const dt = new Date(Date.UTC(endYear - age - 1, 0, 1) + doy * DAY * 1000);
    birthday = dt.toISOString().slice(0, 10);
  }
  const unionid = rng.chance(p.profile.unionidRate) ? `oUn${token(rng, 16)}${i.toString(36).padStart(6, '0')}` : null;
  const openid = unionid && (acquisition === 'mini_program' || acquisition === 'live_stream' || rng.chance(p.profile.openidRate)) ? `oMp${token(rng, 16)}${i.toString(36).padStart(6, '0')}` : null;
  const email = rng.chance(p.profile.emailRate) ? `${rng.pick(['tea', 'cha', 'leaf', 'cup', 'shan'])}${(i * 7 + 3).toString(36)}${token(rng, 2).toLowerCase()}@${rng.pick(['example.com', 'example.net', 'example.org'])}` : null;
  const nExtra = rng.weighted(p.dirt.extraMemberRecords);
  const extraRecords: Person['extraRecords'] = [];
  for (let k = 0; k < nExtra; k++) {
    extraRecords.push({ memberNo: `${k === 0 ? 'YZ' : 'POS'}${String(i * 2 + k + 1).padStart(8, '0')}`, via: unionid && rng.chance(p.dirt.duplicateViaUnionid) ? 'unionid' : 'phone' });
  }
  const consents: Person['consents'] = [];
  for (const purpose of CONSENT_PURPOSES) {
    if (!rng.chance(p.consent.grant[purpose])) continue;
    const at = acquiredAt + rng.int(3600);
    consents.push({ purpose, status: 'granted', at });
    if (rng.chance(p.consent.withdrawRate)) consents.push({ purpose, status: 'withdrawn', at: at + Math.floor(rng.next() * (cal.end - at - 60)) + 30 });
  }
  if (guardianConsent) consents.push({ purpose: 'guardian', status: 'granted', at: acquiredAt + 60 });
  return {
    index: i,
    memberNo: `SL${String(10000001 + i).padStart(8, '0')}`,
    phone: rng.pick(PREFIXES) + suffix(seed, i),
    email, unionid, openid, name, nick: nickname(rng), gender, birthday, minor, guardianConsent,
    cityIndex, homeStore, ownerStaff, acquisition, acquiredAt, onlinePref,
    mom: rng.chance(p.profile.momRate),
    extraRecords, consents,
  };
}

export const cityOf = (person: Person) => CITIES[person.cityIndex];
