/**
 * The per-user storage quota (`userStorageQuotaBytes`): uploaded media, chat previews and finished
 * exports together. Checked before an upload (and while it streams), an export and a chat turn;
 * beyond it, 4012 naming the setting, what is used and the limit.
 */
import { StillmotionError } from '../errors.js';
import type { Store } from '../store/store.js';

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

export const quotaError = (used: number, quota: number): StillmotionError =>
  new StillmotionError('STORAGE_QUOTA', `this account would keep ${mb(used)} of files on the server; its storage quota is ${mb(quota)} (setting userStorageQuotaBytes)`, {
    hint: 'start fewer projects or let old ones expire (previews, exports and idle projects are deleted after the days the server keeps them), or ask the operator to raise userStorageQuotaBytes (STILLMOTION_USER_STORAGE_QUOTA_BYTES)',
    details: { setting: 'userStorageQuotaBytes', limit_bytes: quota, used_bytes: used },
  });

/** Bytes the user may still store (Infinity with no quota); 4012 when none are left. */
export const quotaLeft = async (store: Store, quota: number, userId: string): Promise<{ left: number; used: number }> => {
  if (!quota) return { left: Infinity, used: 0 };
  const used = await store.storageUsed(userId);
  if (used >= quota) throw quotaError(used, quota);
  return { left: quota - used, used };
};
