/**
 * Records that came from JSON text keep it: report/model-json.ts writes a
 * transaction, dialog or call as the contract's JSON, an analysis parses it
 * into the row object a CaptureWriter takes, and a store that keeps JSON
 * (SQLite) gets the original text back instead of writing it out again.
 */

const texts = new WeakMap<object, string>();

/** The row `json` describes; `rowJson` of it gives `json` back. */
export function parsedRow<T extends object>(json: string): T {
  const row = JSON.parse(json) as T;
  texts.set(row, json);
  return row;
}

/** The JSON text of a row: the text it was parsed from when known, else `JSON.stringify`. */
export function rowJson(row: object): string {
  return texts.get(row) ?? JSON.stringify(row);
}
