// Postcodes → commune and approximate centre, read from the local copy of the official
// administrative division (`@etalab/decoupage-administratif`, never fetched at run time). That
// package carries no coordinates: the centre of a postcode is the chef-lieu (prefecture) of its
// département, from the table below. Distances are therefore département-grain (documented
// limit in the README): good for "within 100 km", not for "within 5 km".
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export interface Place {
  postcode: string;
  commune: string;
  communeCode: string;
  departement: string;
  lat: number;
  lon: number;
}

/** Chef-lieu of each département: [latitude, longitude] (WGS 84, rounded to 3 decimals). */
const DEPT_CENTRE: Record<string, [number, number]> = {
  '01': [46.205, 5.226],
  '02': [49.564, 3.62],
  '03': [46.566, 3.333],
  '04': [44.092, 6.236],
  '05': [44.559, 6.079],
  '06': [43.71, 7.262],
  '07': [44.735, 4.599],
  '08': [49.773, 4.721],
  '09': [42.965, 1.607],
  '10': [48.297, 4.074],
  '11': [43.213, 2.349],
  '12': [44.35, 2.575],
  '13': [43.296, 5.37],
  '14': [49.183, -0.371],
  '15': [44.927, 2.44],
  '16': [45.649, 0.156],
  '17': [46.16, -1.151],
  '18': [47.081, 2.399],
  '19': [45.267, 1.771],
  '2A': [41.927, 8.738],
  '2B': [42.697, 9.451],
  '21': [47.322, 5.041],
  '22': [48.514, -2.765],
  '23': [46.171, 1.871],
  '24': [45.184, 0.721],
  '25': [47.238, 6.024],
  '26': [44.933, 4.892],
  '27': [49.027, 1.151],
  '28': [48.446, 1.489],
  '29': [47.996, -4.102],
  '30': [43.837, 4.36],
  '31': [43.605, 1.444],
  '32': [43.646, 0.586],
  '33': [44.838, -0.579],
  '34': [43.611, 3.877],
  '35': [48.117, -1.678],
  '36': [46.811, 1.686],
  '37': [47.394, 0.685],
  '38': [45.188, 5.724],
  '39': [46.675, 5.555],
  '40': [43.89, -0.5],
  '41': [47.586, 1.336],
  '42': [45.44, 4.387],
  '43': [45.043, 3.885],
  '44': [47.218, -1.554],
  '45': [47.903, 1.909],
  '46': [44.448, 1.441],
  '47': [44.203, 0.616],
  '48': [44.518, 3.5],
  '49': [47.478, -0.563],
  '50': [49.116, -1.091],
  '51': [48.957, 4.365],
  '52': [48.111, 5.139],
  '53': [48.073, -0.77],
  '54': [48.692, 6.184],
  '55': [48.773, 5.161],
  '56': [47.658, -2.76],
  '57': [49.12, 6.176],
  '58': [46.99, 3.159],
  '59': [50.629, 3.057],
  '60': [49.43, 2.081],
  '61': [48.432, 0.091],
  '62': [50.291, 2.777],
  '63': [45.778, 3.087],
  '64': [43.295, -0.371],
  '65': [43.233, 0.078],
  '66': [42.699, 2.895],
  '67': [48.573, 7.752],
  '68': [48.079, 7.358],
  '69': [45.764, 4.836],
  '70': [47.622, 6.155],
  '71': [46.307, 4.828],
  '72': [48.006, 0.199],
  '73': [45.564, 5.918],
  '74': [45.899, 6.129],
  '75': [48.857, 2.352],
  '76': [49.443, 1.1],
  '77': [48.54, 2.66],
  '78': [48.805, 2.12],
  '79': [46.323, -0.459],
  '80': [49.894, 2.296],
  '81': [43.929, 2.148],
  '82': [44.018, 1.355],
  '83': [43.124, 5.928],
  '84': [43.949, 4.806],
  '85': [46.67, -1.427],
  '86': [46.58, 0.34],
  '87': [45.834, 1.261],
  '88': [48.172, 6.45],
  '89': [47.798, 3.567],
  '90': [47.64, 6.863],
  '91': [48.629, 2.441],
  '92': [48.892, 2.207],
  '93': [48.91, 2.439],
  '94': [48.79, 2.455],
  '95': [49.036, 2.076],
  '971': [15.998, -61.726],
  '972': [14.616, -61.059],
  '973': [4.922, -52.313],
  '974': [20.879, 55.448],
  '976': [-12.78, 45.228],
};

interface Commune {
  code: string;
  nom: string;
  departement?: string;
  type: string;
  codesPostaux?: string[];
}

let index: Map<string, Place> | null = null;
function load(): Map<string, Place> {
  if (index) return index;
  const communes = require('@etalab/decoupage-administratif/data/communes.json') as Commune[];
  const m = new Map<string, Place>();
  // Most populated first would be better; the file order keeps the first commune of a postcode.
  for (const c of communes) {
    if (c.type !== 'commune-actuelle' || !c.departement) continue;
    const centre = DEPT_CENTRE[c.departement];
    if (!centre) continue;
    for (const cp of c.codesPostaux ?? [])
      if (!m.has(cp))
        m.set(cp, {
          postcode: cp,
          commune: c.nom,
          communeCode: c.code,
          departement: c.departement,
          lat: centre[0],
          lon: centre[1],
        });
  }
  index = m;
  return m;
}

/** The place of a French postcode, or null when it is not one. */
export function placeOf(postcode: string): Place | null {
  const cp = postcode.trim();
  if (!/^\d{5}$/.test(cp)) return null;
  return load().get(cp) ?? null;
}

/** Great-circle distance in km (haversine), the same figure the SQL's earth_distance gives within 0.5 %. */
export function distanceKm(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(h));
}

export interface Region {
  code: string;
  name: string;
}

interface RegionRow {
  code: string;
  nom: string;
}
interface DepartementRow {
  code: string;
  region: string;
}

let regions: { list: Region[]; departements: Map<string, Set<string>> } | null = null;
function loadRegions() {
  if (regions) return regions;
  const rows = require('@etalab/decoupage-administratif/data/regions.json') as RegionRow[];
  const depts = require('@etalab/decoupage-administratif/data/departements.json') as DepartementRow[];
  const departements = new Map<string, Set<string>>();
  for (const d of depts) {
    if (!DEPT_CENTRE[d.code]) continue; // only départements whose postcodes we place
    const set = departements.get(d.region) ?? new Set<string>();
    set.add(d.code);
    departements.set(d.region, set);
  }
  const list = rows
    .filter((r) => departements.has(r.code))
    .map((r) => ({ code: r.code, name: r.nom }))
    .sort((a, b) => a.name.localeCompare(b.name, 'fr'));
  regions = { list, departements };
  return regions;
}

/** The regions a search can be narrowed to, by name. */
export function listRegions(): Region[] {
  return loadRegions().list;
}

/** Every postcode placed in a region's départements (the same places `placeOf` gives), or null
 *  when the code is not a region's: the region of an offer is the one of its profile's postcode. */
export function postcodesOfRegion(code: string): string[] | null {
  const depts = loadRegions().departements.get(code);
  if (!depts) return null;
  const out: string[] = [];
  for (const p of load().values()) if (depts.has(p.departement)) out.push(p.postcode);
  return out;
}
