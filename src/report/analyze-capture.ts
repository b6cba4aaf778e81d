/**
 * Analyse one capture file end to end and collect what the JSON contract and
 * the text report need. Streaming: frames are read in chunks and messages are
 * reduced to records as they complete.
 */

import type { CaptureFormat } from '../capture/frame.js';
import { linkTypeName } from '../capture/link-types.js';
import { openCapture } from '../capture/read-file.js';
import { createPipeline, type PipelineOptions } from '../pipeline.js';
import type { SipMessage } from '../sip/message.js';
import { type MessageRecord, messageRecord } from './message-record.js';

export interface AnalysisStats {
  frames: number;
  sipMessages: number;
  requests: Record<string, number>;
  responses: Record<string, number>;
  retransmissions: number;
  transactions: number;
  dialogs: number;
  calls: number;
  findings: number;
  decodeErrors: number;
  malformed: number;
}

export interface AnalysisResult {
  source: { file: string; format: CaptureFormat; linkTypes: string[]; frames: number; bytes: number };
  stats: AnalysisStats;
  messages: MessageRecord[];
  transactions: unknown[];
  dialogs: unknown[];
  calls: unknown[];
  findings: unknown[];
  /** Recoverable problems with the file (a truncated last record, …). */
  warnings: string[];
}

export interface AnalyzeOptions {
  decoder?: PipelineOptions['decoder'];
  /** Called with each parsed message before it is reduced to a record (for callers that keep more). */
  onMessage?: (msg: SipMessage, rec: MessageRecord) => void;
}

export async function analyzeCapture(file: string, opts: AnalyzeOptions = {}): Promise<AnalysisResult> {
  const messages: MessageRecord[] = [];
  const requests: Record<string, number> = {};
  const responses: Record<string, number> = {};
  let malformed = 0;
  const pipeline = createPipeline({
    decoder: opts.decoder,
    onMessage(msg, id) {
      const rec = messageRecord(msg, id);
      messages.push(rec);
      if (msg.kind === 'request') requests[msg.method] = (requests[msg.method] ?? 0) + 1;
      else responses[msg.status] = (responses[msg.status] ?? 0) + 1;
      if (msg.malformed) malformed++;
      opts.onMessage?.(msg, rec);
    },
  });
  const reader = openCapture(file);
  for await (const frame of reader) pipeline.push(frame);
  pipeline.end();
  const info = reader.info;
  return {
    source: {
      file,
      format: info.format,
      linkTypes: info.linkTypes.map(linkTypeName),
      frames: info.frames,
      bytes: info.bytes,
    },
    stats: {
      frames: info.frames,
      sipMessages: messages.length,
      requests,
      responses,
      retransmissions: 0,
      transactions: 0,
      dialogs: 0,
      calls: 0,
      findings: 0,
      decodeErrors: pipeline.stats.decodeErrors,
      malformed,
    },
    messages,
    transactions: [],
    dialogs: [],
    calls: [],
    findings: [],
    warnings: info.warnings.map((w) => `${file}: ${w.message} at byte offset ${w.offset}`),
  };
}
