/**
 * The values a call's `kind` and `state` take (the JSON contract's CallRecord,
 * DESIGN.md), in the order the UI offers them. Import-free, so the web UI's
 * filters and the API's check of a filter (store/call-query.ts) read the same
 * lists as the correlator's types.
 */
export const CALL_KINDS = ['call', 'registration', 'subscription', 'message', 'options', 'other'] as const;

/** States of a call that has an outcome: nothing of it is in progress any more. */
export const ENDED_CALL_STATES = [
  'completed',
  'cancelled',
  'rejected',
  'busy',
  'redirected',
  'failed',
] as const;

export const CALL_STATES = ['setup', 'ringing', 'in-call', ...ENDED_CALL_STATES] as const;
