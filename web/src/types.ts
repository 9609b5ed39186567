/** The shapes the Stillmotion service answers with (shared/API.md and the service contract). */

export interface Envelope<T = Record<string, unknown>> {
  code: number;
  message: string;
  data: T;
  status?: string;
  progress?: number;
}

export interface TokenData { token: string; credits?: number; expires_at?: string; scopes?: string[] }
export interface ClaimTokenData { claim_token: string; expires_in: number; url?: string }
export interface RedeemData { token: string; expires_at?: string; scopes?: string[]; task_id: string; session_id: string }
export interface SessionData { task_id: string; session_id: string }
export interface Credits { available: number; frozen: number; total: number }

export type MediaKind = 'image' | 'video' | 'audio';
export interface MediaInfo {
  media_id: string;
  name: string;
  kind: MediaKind;
  mime: string;
  width?: number;
  height?: number;
  duration_ms?: number;
  size_bytes: number;
  thumbnail_url?: string;
}

export interface TimelineItem {
  id: string;
  start_ms: number;
  duration_ms: number;
  label?: string;
  media_id?: string;
  thumbnail_url?: string;
  move?: string;
  /** The depth the move used (iphone, iphone-heic, gdepth, matte, estimated). */
  depth?: string;
  /** Motion inside the picture, in words per language. */
  effects?: { en: string; zh: string }[];
  volume?: number;
  text?: string;
  role?: string;
}
export interface TimelineTrack { kind: 'video' | 'audio' | 'text'; items: TimelineItem[] }
export interface TimelineDisplay { duration_ms: number; tracks: TimelineTrack[] }

export interface GeneratedMedia {
  id: string;
  kind: string;
  url: string;
  format?: string;
  width?: number;
  height?: number;
  duration_ms?: number;
  size_bytes?: number;
  created_at?: string | number;
  turn_id?: string;
}

export interface CompactDraft { t?: { tt: number; sg?: unknown[] }[]; [k: string]: unknown }

export interface ProjectState {
  session_id?: string;
  task_id?: string;
  task_name?: string;
  language?: string;
  draft?: CompactDraft | null;
  draft_version?: number;
  summary?: string;
  /** The summary for people to read, per language (`summary` keeps API.md's English labels, which clients parse). */
  summaries?: { en?: string; zh?: string };
  timeline?: TimelineDisplay | null;
  video_infos?: MediaInfo[];
  canvas_config?: { width?: number; height?: number; fps?: number; aspect?: string; background?: string };
  generated_media?: GeneratedMedia[];
  /** Every clip of the session in upload order; `draft` is the active one's. */
  clips?: ClipInfo[];
  active_clip?: string;
  last_turn?: { id: string; status: 'running' | 'completed' | 'failed'; text?: string } | null;
}

export type RenderStatus = 'pending' | 'processing' | 'completed' | 'failed';
/** `file_name`: what the download is called (the project's or the first photo's name). */
export interface RenderOutput { url: string; format: string; width: number; height: number; duration_ms: number; size_bytes: number; file_name?: string }
export interface RenderJob {
  id: string;
  status: RenderStatus;
  progress: number;
  output?: RenderOutput;
  error?: { code: number; message: string };
}

/** One agent event from /run_sse (an agent framework event). */
export interface AgentPart {
  text?: string;
  function_call?: { id?: string; name: string; args?: unknown };
  function_response?: { id?: string; name: string; response?: Record<string, unknown> };
}
export interface AgentEvent {
  id?: string;
  invocation_id?: string;
  author?: string;
  timestamp?: number;
  content?: { role?: string; parts?: AgentPart[] };
  partial?: boolean;
  turn_complete?: boolean;
  error_code?: string | number;
  error_message?: string;
}

export interface ClipInfo {
  id: string;
  position: number;
  active?: boolean;
  draft: CompactDraft;
  draft_version?: number;
  summary?: string;
  duration_ms?: number;
  name?: string | null;
  media_ids?: string[];
  canvas_config?: { width?: number; height?: number; aspect?: string };
  preview?: { id?: string; url: string; width?: number; height?: number; duration_ms?: number } | null;
}
