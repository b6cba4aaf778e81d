/**
 * TLS key files the user gives with an upload or adds to a capture
 * (server/API.md "Captures"): each goes to the field its content says, not
 * its name: a PEM private key to `tlsKey`, anything else to `tlsKeylog` (the
 * server checks it holds secrets and says so when it does not).
 */

export type KeyField = 'tlsKeylog' | 'tlsKey';

export interface KeyFile {
  file: File;
  field: KeyField;
}

const PEM_KEY = /-----BEGIN (?:RSA |ENCRYPTED )?PRIVATE KEY-----/;

/** The field of a key file's text. */
export function keyFieldOf(text: string): KeyField {
  return PEM_KEY.test(text) ? 'tlsKey' : 'tlsKeylog';
}

/** Reads each file's beginning to tell a key log from a PEM key. */
export async function classifyKeyFiles(files: readonly File[]): Promise<KeyFile[]> {
  return Promise.all(
    files.map(async (file) => ({ file, field: keyFieldOf(await file.slice(0, 4096).text()) })),
  );
}

/** What the page says a key file is. */
export function keyKindText(k: KeyFile): string {
  return k.field === 'tlsKey' ? 'RSA key' : 'key log';
}

/** Appends the key files to a form under their fields. */
export function appendKeys(form: FormData, keys: readonly KeyFile[]): void {
  for (const k of keys) form.append(k.field, k.file, k.file.name);
}

/** `key log and 2 RSA keys`: what a capture's uploaded keys are (server/API.md `tlsKeys`). */
export function keysSummaryText(k: { keylog: boolean; rsaKeys: number }): string {
  const parts: string[] = [];
  if (k.keylog) parts.push('a key log');
  if (k.rsaKeys > 0) parts.push(k.rsaKeys === 1 ? 'an RSA key' : `${k.rsaKeys} RSA keys`);
  return parts.join(' and ');
}
