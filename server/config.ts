import os from 'node:os';
import path from 'node:path';
import { isIP } from 'node:net';
import { z } from 'zod';
import { isIpOrHostName, parseTrustProxy } from './system/addresses.ts';
import { ConfigError } from './system/ConfigError.ts';

/**
 * The only place that reads environment variables. Every setting has a safe
 * default so that `npm start` works on a fresh machine with nothing configured.
 */
const bool = (fallback: boolean) =>
  z
    .enum(['1', '0', 'true', 'false', 'yes', 'no'])
    .optional()
    .transform((v) => (v === undefined ? fallback : ['1', 'true', 'yes'].includes(v)));

const list = z
  .string()
  .optional()
  .transform((v) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : []));

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().refine(isIpOrHostName, 'not an IP address or host name').default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Public URL used in printed links and calendar subscriptions. */
  PUBLIC_URL: z.string().url().optional(),
  DATABASE_URL: z.string().optional(),
  DATA_DIR: z.string().default('./data'),
  SEED_DEMO: bool(true),
  /** With the demo county, its academic year so far: planned series, past sessions with evidence and verdicts, research, dispatches. */
  SEED_DEMO_HISTORY: bool(true),
  /** Give every demo account this password (tests, workshops); by default each gets a random one. */
  DEMO_PASSWORD: z.string().min(10).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SESSION_TTL_HOURS: z.coerce.number().positive().default(12),
  /** Set to 0 only behind plain-HTTP development setups; production cookies are Secure. */
  COOKIE_SECURE: bool(false),
  SIGNIN_RATE_LIMIT: z.coerce.number().int().positive().default(10),
  SIGNIN_RATE_WINDOW_SECONDS: z.coerce.number().int().positive().default(60),
  /** mediasoup */
  MEDIA_WORKERS: z.coerce.number().int().min(0).optional(),
  MEDIA_LISTEN_IP: z.string().refine((v) => isIP(v) !== 0, 'not an IP address').default('127.0.0.1'),
  MEDIA_ANNOUNCED_ADDRESS: z.string().refine(isIpOrHostName, 'not an IP address or host name').optional(),
  MEDIA_RTC_MIN_PORT: z.coerce.number().int().min(1024).max(65535).default(40000),
  MEDIA_RTC_MAX_PORT: z.coerce.number().int().min(1024).max(65535).default(49999),
  MEDIA_LOG_LEVEL: z.enum(['debug', 'warn', 'error', 'none']).default('warn'),
  /** Comma-separated TURN/STUN URLs handed to clients, with optional static credentials. */
  ICE_SERVER_URLS: list,
  ICE_SERVER_USERNAME: z.string().optional(),
  ICE_SERVER_CREDENTIAL: z.string().optional(),
  /** TURN REST API (coturn `use-auth-secret`): with this shared secret every client gets its own short-lived credentials instead of the static ones. */
  ICE_SERVER_SECRET: z.string().min(8).optional(),
  ICE_CREDENTIAL_TTL_SECONDS: z.coerce.number().int().min(60).max(7 * 24 * 3600).default(12 * 3600),
  /** `relay`: every client sends media through TURN only (networks where only the TURN server is reachable). */
  ICE_TRANSPORT_POLICY: z.enum(['all', 'relay']).default('all'),
  /** Live classrooms: the host may go live this long before the scheduled start. */
  LIVE_EARLY_JOIN_MINUTES: z.coerce.number().int().min(0).max(240).default(15),
  /** A session nobody ended is ended (and evaluated) this long after its scheduled end. */
  LIVE_AUTO_CLOSE_MINUTES: z.coerce.number().int().min(0).max(24 * 60).default(30),
  /** How often the auto-close sweep runs (0 = never; tests). */
  LIVE_SWEEP_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
  /** The evidence writer's heartbeat: after a crash, open intervals are closed at the last one. */
  LIVE_HEARTBEAT_SECONDS: z.coerce.number().int().min(1).max(600).default(15),
  /** Audio louder than this (dBov, −127…0) counts as someone speaking (active speaker highlight in research sessions). */
  LIVE_SPEAKER_THRESHOLD_DBOV: z.coerce.number().int().min(-127).max(0).default(-60),
  /** A participant whose signaling socket dropped is kept (media and all) this long for it to resume. */
  LIVE_PEER_GRACE_SECONDS: z.coerce.number().int().min(0).max(600).default(30),
  /** Patrols 巡课 (issue #6): the host teacher sees a discreet "being observed" marker while a coordinator or auditor watches (0: no marker). */
  LIVE_PATROL_MARKER: bool(true),
  /** Chat messages one participant may send in a window (T-CHAT-RATE). */
  LIVE_CHAT_RATE_LIMIT: z.coerce.number().int().min(1).max(10_000).default(5),
  LIVE_CHAT_RATE_WINDOW_SECONDS: z.coerce.number().int().min(1).max(3600).default(10),
  /** Courseware: an upload's conversion (LibreOffice, then page images) is killed past this many seconds (CW-CONVERT-TIME). */
  COURSEWARE_CONVERT_TIMEOUT_SECONDS: z.coerce.number().min(0.05).max(3600).default(180),
  /** The live board: strokes, erasures and undos one participant may send in a window (BOARD-RATE). */
  BOARD_STROKE_RATE_LIMIT: z.coerce.number().int().min(1).max(100_000).default(120),
  BOARD_STROKE_RATE_WINDOW_SECONDS: z.coerce.number().int().min(1).max(3600).default(10),
  /** Scheduling: minutes before a session its teachers and classrooms get a notice; how often the reminder clock ticks (0 = off). */
  SCHEDULE_REMINDER_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(10),
  SCHEDULE_REMINDER_TICK_SECONDS: z.coerce.number().int().min(0).max(3600).default(15),
  /** Scheduling: pin "now" for the in-the-past check (S-SCHEDULE-PAST) — tests and demos replaying a date; unset in service. */
  SCHEDULE_NOW: z.iso.datetime({ offset: true }).optional(),
  /** With several server processes: Socket.IO rooms are shared through this Redis (streams adapter). */
  REDIS_URL: z.string().url().optional(),
  REDIS_STREAM_NAME: z.string().regex(/^[A-Za-z0-9:_-]+$/).default('tongbu:socket.io'),
  /** Several app nodes (server/cluster/SPEC.md): this node's name in the cluster (default: host name and process id). */
  CLUSTER_NODE_ID: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/).optional(),
  /** A node's registration and each lesson's host lease last this long unless renewed (renewed every quarter of it). */
  CLUSTER_LEASE_MS: z.coerce.number().int().min(300).max(60_000).default(2000),
  /** Placement: the consumers this node's media workers may carry; a node at this figure gets no new lesson. */
  MEDIA_NODE_MAX_CONSUMERS: z.coerce.number().int().min(1).default(2000),
  /** Draining (SIGTERM): how long lessons hosted here may take to move before the node exits anyway. */
  CLUSTER_DRAIN_SECONDS: z.coerce.number().int().min(0).max(600).default(10),
  /** Quota tracker: pin "today" for forecasts (tests, demos, replaying a report); default the date in Asia/Shanghai. */
  QUOTA_TODAY: z.iso.date().optional(),
  /** Quota tracker: every community's progress is recomputed at start and this often (forecasts move with the calendar; 0 = only at start). */
  QUOTA_RECOMPUTE_MINUTES: z.coerce.number().int().min(0).max(24 * 60).default(60),
  /** Skip starting the client bundle build check (tests serve the API only). */
  SERVE_CLIENT: bool(true),
  /** Serve HTTPS (and WSS) on PORT with this PEM certificate chain and key; both or neither. */
  TLS_CERT_FILE: z.string().min(1).optional(),
  TLS_KEY_FILE: z.string().min(1).optional(),
  /** Behind a TLS-terminating proxy: which proxies' X-Forwarded-For/-Proto to believe (hops, or addresses/subnets, or loopback). Unset: nobody's. */
  TRUST_PROXY: z.string().optional(),
  /** Prometheus scrapes GET /metrics with `Authorization: Bearer` this token; unset, /metrics does not exist. */
  METRICS_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
});

export type Env = z.input<typeof EnvSchema>;

export function loadConfig(env: Record<string, string | undefined> = process.env) {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const [first, ...others] = parsed.error.issues;
    const also = others.map((i) => `; also ${i.path.join('.')}: ${i.message}`).join('');
    throw new ConfigError(first!.path.join('.'), `${first!.message}${also}`);
  }
  const e = parsed.data;
  if (Boolean(e.TLS_CERT_FILE) !== Boolean(e.TLS_KEY_FILE)) {
    throw new ConfigError(e.TLS_CERT_FILE ? 'TLS_KEY_FILE' : 'TLS_CERT_FILE', 'HTTPS needs both TLS_CERT_FILE and TLS_KEY_FILE');
  }
  const trustProxy = parseTrustProxy(e.TRUST_PROXY);
  if (trustProxy === undefined) throw new ConfigError('TRUST_PROXY', `"${e.TRUST_PROXY}" is not a hop count or a list of proxy addresses, subnets or loopback/linklocal/uniquelocal`);
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    publicUrl: e.PUBLIC_URL,
    database: e.DATABASE_URL ? ({ kind: 'postgres', url: e.DATABASE_URL } as const) : ({ kind: 'pglite', dir: path.resolve(e.DATA_DIR, 'pglite') } as const),
    dataDir: path.resolve(e.DATA_DIR),
    seedDemo: e.SEED_DEMO,
    seedDemoHistory: e.SEED_DEMO_HISTORY,
    demoPassword: e.DEMO_PASSWORD,
    logLevel: e.LOG_LEVEL,
    session: { ttlHours: e.SESSION_TTL_HOURS, cookieSecure: e.COOKIE_SECURE || e.NODE_ENV === 'production' },
    signInRateLimit: { max: e.SIGNIN_RATE_LIMIT, windowSeconds: e.SIGNIN_RATE_WINDOW_SECONDS },
    media: {
      workers: e.MEDIA_WORKERS ?? os.availableParallelism(),
      listenIp: e.MEDIA_LISTEN_IP,
      announcedAddress: e.MEDIA_ANNOUNCED_ADDRESS,
      rtcMinPort: e.MEDIA_RTC_MIN_PORT,
      rtcMaxPort: e.MEDIA_RTC_MAX_PORT,
      logLevel: e.MEDIA_LOG_LEVEL,
      iceServers: e.ICE_SERVER_URLS.length
        ? [{ urls: e.ICE_SERVER_URLS, username: e.ICE_SERVER_USERNAME, credential: e.ICE_SERVER_CREDENTIAL }]
        : [],
    },
    serveClient: e.SERVE_CLIENT,
    redis: e.REDIS_URL ? { url: e.REDIS_URL, streamName: e.REDIS_STREAM_NAME } : null,
    cluster: {
      nodeId: e.CLUSTER_NODE_ID ?? `${os.hostname()}-${process.pid}`,
      leaseMs: e.CLUSTER_LEASE_MS,
      maxConsumers: e.MEDIA_NODE_MAX_CONSUMERS,
      drainSeconds: e.CLUSTER_DRAIN_SECONDS,
    },
    live: {
      earlyJoinMinutes: e.LIVE_EARLY_JOIN_MINUTES,
      autoCloseMinutes: e.LIVE_AUTO_CLOSE_MINUTES,
      sweepSeconds: e.LIVE_SWEEP_SECONDS,
      heartbeatSeconds: e.LIVE_HEARTBEAT_SECONDS,
      peerGraceSeconds: e.LIVE_PEER_GRACE_SECONDS,
      speakerThresholdDbov: e.LIVE_SPEAKER_THRESHOLD_DBOV,
      patrolMarker: e.LIVE_PATROL_MARKER,
      iceSecret: e.ICE_SERVER_SECRET,
      iceCredentialTtlSeconds: e.ICE_CREDENTIAL_TTL_SECONDS,
      iceTransportPolicy: e.ICE_TRANSPORT_POLICY,
      chatRate: { max: e.LIVE_CHAT_RATE_LIMIT, windowMs: e.LIVE_CHAT_RATE_WINDOW_SECONDS * 1000 },
    },
    courseware: {
      convertTimeoutMs: Math.round(e.COURSEWARE_CONVERT_TIMEOUT_SECONDS * 1000),
      strokeRate: { max: e.BOARD_STROKE_RATE_LIMIT, windowMs: e.BOARD_STROKE_RATE_WINDOW_SECONDS * 1000 },
    },
    schedule: { reminderMinutes: e.SCHEDULE_REMINDER_MINUTES, reminderTickSeconds: e.SCHEDULE_REMINDER_TICK_SECONDS, now: e.SCHEDULE_NOW ? new Date(e.SCHEDULE_NOW) : null },
    quotas: { today: e.QUOTA_TODAY ?? null, recomputeMinutes: e.QUOTA_RECOMPUTE_MINUTES },
    tls: e.TLS_CERT_FILE && e.TLS_KEY_FILE ? { certFile: path.resolve(e.TLS_CERT_FILE), keyFile: path.resolve(e.TLS_KEY_FILE) } : null,
    trustProxy,
    metricsToken: e.METRICS_TOKEN,
  };
}

export type Config = ReturnType<typeof loadConfig>;
