/**
 * Writes the analysis as the JSON document of DESIGN.md, one array element per
 * line so a big capture is never one giant string in memory.
 */
import type { AnalysisResult } from '../report/analyze-capture.js';
import { callJson, dialogJson, transactionJson } from '../report/model-json.js';

export function writeJsonReport(r: AnalysisResult, write: (s: string) => void): void {
  write(`{"source":${JSON.stringify(r.source)},\n"stats":${JSON.stringify(r.stats)},\n`);
  write('"messages":[');
  for (let i = 0; i < r.messages.length; i++) write(`${i ? ',\n' : '\n'}${r.messages.json(i)}`);
  write(r.messages.length ? '\n]' : ']');
  write(',\n');
  writeArray('transactions', r.transactions, write, transactionJson);
  write(',\n');
  writeArray('dialogs', r.dialogs, write, dialogJson);
  write(',\n');
  writeArray('calls', r.calls, write, callJson);
  write(',\n');
  writeArray('findings', r.findings, write);
  write(`,\n"warnings":${JSON.stringify(r.warnings)}}\n`);
}

function writeArray<T>(
  name: string,
  items: readonly T[],
  write: (s: string) => void,
  toJson: (item: T) => string = JSON.stringify,
): void {
  write(`"${name}":[`);
  for (let i = 0; i < items.length; i++) write(`${i ? ',\n' : '\n'}${toJson(items[i])}`);
  write(items.length ? '\n]' : ']');
}
