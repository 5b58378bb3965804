/**
 * How Acme ERP labels and authenticates a hook. Built in one place from the raw body, so a
 * different scheme (a signature, say) would change only this function.
 */
import type { ErpNotification } from './erp-types.js';

export interface ErpHookMeta {
  notifications: ErpNotification[];
}

export function erpWebhookHeaders(input: { body: string; deliveryId: string; webhookKey: string }): Record<string, string> {
  return {
    'Content-Type': 'application/json',
    Authorization: `Bearer ${input.webhookKey}`,
    'X-Acme-Delivery': input.deliveryId,
  };
}
