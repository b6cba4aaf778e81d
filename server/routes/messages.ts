/** `/api/captures/:id/messages/:messageId`: one message with its text and offsets (server/API.md "Messages"). */
import { Router } from 'express';
import type { CaptureService } from '../capture-service.js';
import { HttpError } from '../http-error.js';
import { messageDetail } from '../message-detail.js';
import { captureIdOf, idParam, readableCapture } from './common.js';

export function messagesRouter(service: CaptureService): Router {
  const r = Router({ mergeParams: true });
  r.get('/:messageId', async (req, res) => {
    const c = await readableCapture(service, captureIdOf(req));
    const id = idParam(req.params.messageId, 'message');
    const stored = await service.store.getMessage(c.id, id);
    if (stored === undefined) throw new HttpError(404, `no message ${id} in capture ${c.id}`);
    const findings = (await service.store.findings(c.id, { message: id })) ?? [];
    res.json(messageDetail(stored, findings));
  });
  return r;
}
