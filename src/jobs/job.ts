/**
 * A render job's values, typed once: what it renders (its spec: a render plan), what it made (its
 * output) and why it failed (its error, with the catalogue's code). The store keeps them as JSON;
 * these functions are the only place that text is read back, checked, and turned into values, so no
 * other module parses a job.
 */
import { errorByCode, StillmotionError, type ErrorName } from '../errors.js';
import { RENDER_PLAN_VERSION, type OutputFormat, type RenderPlan } from '../engine/index.js';

export type JobKind = 'export' | 'preview';
export type JobStatus = 'pending' | 'processing' | 'completed' | 'failed';

export interface JobSpec {
  /** Every decision made: the worker renders exactly this. */
  readonly plan: RenderPlan;
}

export interface JobOutput {
  /** The files area the render was written to. */
  readonly area: 'generated' | 'renders';
  readonly file: string;
  readonly format: OutputFormat;
  readonly width: number;
  readonly height: number;
  readonly duration_ms: number;
  readonly size_bytes: number;
}

export interface JobError {
  /** The error catalogue's code (5003 cancelled, 5004 timed out, …). */
  readonly code: number;
  readonly message: string;
}

export interface Job {
  readonly id: string;
  readonly user_id: string;
  readonly session_id: string;
  readonly kind: JobKind;
  readonly status: JobStatus;
  readonly progress: number;
  /** null: written by an older version in a form this one cannot render. */
  readonly spec: JobSpec | null;
  readonly output: JobOutput | null;
  readonly error: JobError | null;
  readonly attempts: number;
  readonly created_at: number;
  readonly started_at: number | null;
  readonly finished_at: number | null;
}

const parse = (text: string | null): unknown => {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
};

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export const encodeJobValue = (v: JobSpec | JobOutput | JobError): string => JSON.stringify(v);

/** The spec, or null when the text is not a plan this version renders. */
export const decodeJobSpec = (text: string): JobSpec | null => {
  const v = parse(text);
  if (!isObj(v) || !isObj(v.plan) || v.plan.version !== RENDER_PLAN_VERSION || !Array.isArray(v.plan.shots) || !isNum(v.plan.frames)) return null;
  return { plan: v.plan as unknown as RenderPlan };
};

export const decodeJobOutput = (text: string | null): JobOutput | null => {
  const v = parse(text);
  if (!isObj(v) || (v.area !== 'generated' && v.area !== 'renders') || typeof v.file !== 'string' || typeof v.format !== 'string' ||
    !isNum(v.width) || !isNum(v.height) || !isNum(v.duration_ms) || !isNum(v.size_bytes)) return null;
  return { area: v.area, file: v.file, format: v.format as OutputFormat, width: v.width, height: v.height, duration_ms: v.duration_ms, size_bytes: v.size_bytes };
};

export const decodeJobError = (text: string | null): JobError | null => {
  if (text === null) return null;
  const v = parse(text);
  if (isObj(v) && isNum(v.code) && typeof v.message === 'string') return { code: v.code, message: v.message };
  return { code: 5000, message: 'the job failed without a readable error' };
};

/** A job's error as the coded error it was: a cancelled preview is CANCELLED (5003), a timed-out one TIMEOUT (5004). */
export const errorOfJob = (e: JobError): StillmotionError => {
  const spec = errorByCode(e.code);
  return new StillmotionError((spec?.name ?? 'INTERNAL') as ErrorName, e.message, { details: { job_error_code: e.code } });
};

export const jobErrorOf = (e: StillmotionError): JobError => ({ code: e.code, message: e.message });
