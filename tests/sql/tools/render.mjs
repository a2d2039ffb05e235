// Renders DuckDB and PostgreSQL results the way tests/sql/sql_test_support.h renders ours, so that
// the golden files can be checked against those engines and the differential test can compare.
import duckdb from '@duckdb/node-api';

// C's printf("%.{p}g", x).
export function formatG(x, p) {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const [mant, exp] = x.toExponential(p - 1).split('e');
  const e = parseInt(exp, 10);
  const strip = (s) => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);
  if (e < -4 || e >= p) {
    const a = Math.abs(e);
    return `${strip(mant)}e${e < 0 ? '-' : '+'}${a < 10 ? '0' : ''}${a}`;
  }
  return strip(x.toFixed(Math.max(0, p - 1 - e)));
}

// The shortest %g text that reads back as the same float32 (at most `digits` digits).
export function formatFloat32(v, digits) {
  const max = Math.min(digits, 9);
  for (let p = 1; p < max; p++) {
    const t = formatG(v, p);
    if (Math.fround(Number(t)) === Math.fround(v)) return t;
  }
  return formatG(v, max);
}

export function escapeText(s) {
  return s.replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

function pad(n, w) {
  return String(n).padStart(w, '0');
}

function fraction(value, width) {
  if (value === 0n || value === 0) return '';
  return '.' + pad(value, width).replace(/0+$/, '');
}

function civil(days) {
  // Howard Hinnant's civil_from_days.
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const y = yoe + era * 400;
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [m <= 2 ? y + 1 : y, m, d];
}

export function formatDate(days) {
  const [y, m, d] = civil(days);
  return `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
}

export function formatTimestamp(micros) {
  micros = BigInt(micros);
  const day = 86400000000n;
  let days = micros / day;
  let rem = micros % day;
  if (rem < 0n) {
    rem += day;
    days -= 1n;
  }
  const secs = Number(rem / 1000000n);
  const h = Math.floor(secs / 3600);
  const mi = Math.floor(secs / 60) % 60;
  const s = secs % 60;
  return `${formatDate(Number(days))} ${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}${fraction(rem % 1000000n, 6)}`;
}

// PostgreSQL's interval output style.
export function formatInterval(months, days, micros) {
  micros = BigInt(micros);
  let out = '';
  let isBefore = false;
  let isZero = true;
  const part = (v, unit) => {
    if (v === 0) return;
    out += `${isZero ? '' : ' '}${isBefore && v > 0 ? '+' : ''}${v} ${unit}${v !== 1 ? 's' : ''}`;
    isBefore = v < 0;
    isZero = false;
  };
  part(Math.trunc(months / 12), 'year');
  part(months % 12, 'mon');
  part(days, 'day');
  if (isZero || micros !== 0n) {
    const minus = micros < 0n;
    const n = minus ? -micros : micros;
    const secs = Number(n / 1000000n);
    out += `${isZero ? '' : ' '}${minus ? '-' : isBefore ? '+' : ''}${pad(Math.floor(secs / 3600), 2)}:` +
      `${pad(Math.floor(secs / 60) % 60, 2)}:${pad(secs % 60, 2)}${fraction(n % 1000000n, 6)}`;
  }
  return out;
}

// One DuckDB value (from reader.getRows()) of DuckDB type `type`, nested or not.
export function renderDuck(v, type, floatDigits, nested = false) {
  if (v === null || v === undefined) return 'NULL';
  const T = duckdb.DuckDBTypeId;
  switch (type.typeId) {
    case T.BOOLEAN:
      return v ? 'true' : 'false';
    case T.TINYINT: case T.SMALLINT: case T.INTEGER: case T.BIGINT: case T.HUGEINT:
    case T.UTINYINT: case T.USMALLINT: case T.UINTEGER: case T.UBIGINT:
      return String(v);
    case T.FLOAT:
      return formatFloat32(v, floatDigits);
    case T.DOUBLE:
      return formatG(v, floatDigits);
    case T.DECIMAL:
      return formatG(Number(v.toDouble ? v.toDouble() : v), floatDigits);
    case T.VARCHAR: {
      if (v === '') return nested ? '""' : '(empty)';
      return escapeText(v);
    }
    case T.BLOB: {
      const bytes = v.bytes ?? v;
      return '\\x' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
    }
    case T.DATE:
      return formatDate(v.days);
    case T.TIMESTAMP: case T.TIMESTAMP_TZ:
      return formatTimestamp(v.micros);
    case T.INTERVAL:
      return formatInterval(v.months, v.days, v.micros);
    case T.LIST: case T.ARRAY:
      return '[' + v.items.map((x) => renderDuck(x, type.valueType, floatDigits, true)).join(', ') + ']';
    case T.STRUCT:
      return '{' + type.entryNames.map((name, i) => `${name}: ${renderDuck(v.entries[name], type.entryTypes[i], floatDigits, true)}`).join(', ') + '}';
    default:
      return String(v);
  }
}

// The type letter of a DuckDB type (sql_test_support.h's TypeLetter).
export function duckLetter(type) {
  const T = duckdb.DuckDBTypeId;
  switch (type.typeId) {
    case T.BOOLEAN: return 'B';
    case T.TINYINT: case T.SMALLINT: case T.INTEGER: case T.BIGINT: case T.HUGEINT:
    case T.UTINYINT: case T.USMALLINT: case T.UINTEGER: case T.UBIGINT: return 'I';
    case T.FLOAT: case T.DOUBLE: case T.DECIMAL: return 'R';
    case T.VARCHAR: return 'T';
    case T.BLOB: return 'Y';
    case T.DATE: return 'D';
    case T.TIMESTAMP: case T.TIMESTAMP_TZ: return 'S';
    case T.INTERVAL: return 'V';
    case T.LIST: case T.ARRAY: return 'L';
    case T.STRUCT: return 'X';
    case T.SQLNULL: return 'N';
    default: return '?';
  }
}

// A DuckDB connection limited to one thread.
export async function duckConnect() {
  const inst = await duckdb.DuckDBInstance.create(':memory:', { threads: '1' });
  return inst.connect();
}

// Type names of our dialect that DuckDB spells differently.
export function toDuckSql(sql) {
  return sql
    .replace(/\bint64\b/gi, 'BIGINT')
    .replace(/\bint32\b/gi, 'INTEGER')
    .replace(/\bfloat64\b/gi, 'DOUBLE')
    .replace(/\bfloat32\b/gi, 'FLOAT')
    .replace(/\bstring\b(?!')/gi, 'VARCHAR');
}
