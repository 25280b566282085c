import { WorkerPool } from '../media/WorkerPool.ts';
import { loadConfig } from './config.ts';
import { openDatabase } from './db/client.ts';
import { createLogger } from './log.ts';
import { seedDemo } from './seed/demo.ts';
import { seedDemoHistory } from './seed/demoHistory.ts';
import { startServer } from './server.ts';
import { features } from './features.ts';
import { ConfigError } from './system/ConfigError.ts';
import { exposureWarnings } from './system/exposure.ts';
import { loadTls } from './system/tls.ts';
import { writePidFile } from './system/pidFile.ts';

// Boot in one readable sequence: config → database (+ migrations) → demo seed → media workers → HTTP + Socket.IO.
const bootStarted = performance.now();
// A setting the server cannot work with is refused before anything opens: one line naming it, exit EX_CONFIG.
const { config, tls } = (() => {
  try {
    const config = loadConfig();
    return { config, tls: loadTls(config.tls) };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(`tongbu: refusing to start: ${err.message}`);
    process.exit(ConfigError.exitCode);
  }
})();
const log = createLogger(config);
for (const w of exposureWarnings(config)) {
  console.warn(`tongbu: warning ${w.rule}: ${w.message}`);
  log.warn({ rule: w.rule }, w.message);
}

const database = await openDatabase(config.database);
// `npm run backup` must know the embedded database is open here (it is one process's alone).
const removePidFile = database.kind === 'pglite' ? writePidFile(config.dataDir) : () => {};
await database.migrate();
log.info({ kind: database.kind }, 'database ready');

const demo = config.seedDemo
  ? await seedDemo(database.db, { credentialsFile: `${config.dataDir}/demo-accounts.json`, ...(config.demoPassword ? { password: config.demoPassword } : {}) })
  : null;
// The demo year so far, once, right after the county was created (so a restart never adds to it).
const history = demo?.created && config.seedDemoHistory ? await seedDemoHistory(database.db) : null;
if (history) log.info(history, 'demo history seeded');

// MEDIA_WORKERS=0 runs the platform without live classrooms (e.g. a reporting-only node).
const media =
  config.media.workers > 0
    ? await WorkerPool.create({
        size: config.media.workers,
        logLevel: config.media.logLevel,
        network: {
          listenIp: config.media.listenIp,
          ...(config.media.announcedAddress ? { announcedAddress: config.media.announcedAddress } : {}),
          rtcMinPort: config.media.rtcMinPort,
          rtcMaxPort: config.media.rtcMaxPort,
          iceServers: config.media.iceServers,
        },
      })
    : null;
media?.on('workerdied', (dead, replacement, error) => log.error({ deadPid: dead.pid, newPid: replacement.pid, err: error }, 'mediasoup worker died and was replaced'));
log.info({ workers: media?.size ?? 0 }, 'media workers ready');

const server = await startServer({ config, database, media, log }, { ...features, tls });
const url = config.publicUrl ?? server.url;
const bootMs = Math.round(performance.now() - bootStarted);

const lines = [`tongbu 同步 is running at ${url}  (started in ${bootMs} ms, database: ${database.kind})`];
if (demo) {
  lines.push(demo.created ? 'Demo data seeded. Sign in with:' : 'Demo sign-ins:');
  for (const a of demo.accounts) lines.push(`  ${a.role.padEnd(12)} ${a.username.padEnd(18)} ${a.password}   ${a.note}`);
}
console.log(lines.join('\n'));

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'shutting down');
  await server.close();
  media?.close();
  await database.close();
  removePidFile();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
