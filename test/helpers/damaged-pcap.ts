/**
 * A classic pcap with one record made corrupt, for the tests of what a
 * damaged capture keeps (read-file.ts): the record's captured length (its
 * header's third field, after the 8-byte timestamp) set to 2^31 - 1, past
 * any snaplen. Little-endian pcap only (what the samples and writePcap are).
 */
export function damagedPcap(pcap: Uint8Array, record: number): { bytes: Buffer; offset: number } {
  const bytes = Buffer.from(pcap);
  let offset = 24;
  for (let i = 0; i < record; i++) offset += 16 + bytes.readUInt32LE(offset + 8);
  bytes.writeUInt32LE(0x7fffffff, offset + 8);
  return { bytes, offset };
}
