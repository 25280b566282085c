import path from 'node:path';
import { loadConfig } from './config.ts';
import { openDatabase } from './db/client.ts';
import { backupInstallation, BackupError, backupSize, restoreInstallation } from './system/backup.ts';
import { ConfigError } from './system/ConfigError.ts';
import { runningServerPid } from './system/pidFile.ts';

// `npm run backup -- [directory]` (default DATA_DIR/backups) and `npm run restore -- <backup directory>`.
const [command, arg] = process.argv.slice(2);

async function main(): Promise<void> {
  const config = loadConfig();
  const started = performance.now();
  const pid = config.database.kind === 'pglite' ? runningServerPid(config.dataDir) : null;
  // The embedded database belongs to one process: opening it beside the server would corrupt it.
  if (pid) throw new BackupError(`the server (pid ${pid}) has the embedded database open: stop it first (systemctl stop tongbu), or use PostgreSQL for backups while running`);
  if (command === 'backup') {
    const database = await openDatabase(config.database.kind === 'postgres' ? config.database : { kind: 'pglite', dir: config.database.dir });
    try {
      const source = { database, dataDir: config.dataDir, ...(config.database.kind === 'postgres' ? { postgresUrl: config.database.url } : {}) };
      const { dir, manifest } = await backupInstallation(source, arg ?? path.join(config.dataDir, 'backups'));
      console.log(`backup written to ${dir} (${backupSize(manifest)} bytes, ${Math.round(performance.now() - started)} ms)`);
    } finally {
      await database.close();
    }
  } else if (command === 'restore' && arg) {
    const target = config.database.kind === 'postgres' ? config.database : { kind: 'pglite' as const, dir: config.database.dir };
    const manifest = await restoreInstallation(path.resolve(arg), { database: target, dataDir: config.dataDir });
    console.log(`restored the backup of ${manifest.createdAt} (${manifest.database}) in ${Math.round(performance.now() - started)} ms; start the server to run any newer migrations`);
  } else {
    throw new BackupError('usage: npm run backup -- [directory]  |  npm run restore -- <backup directory>');
  }
}

try {
  await main();
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(`tongbu: refusing: ${err.message}`);
    process.exit(ConfigError.exitCode);
  }
  console.error(`tongbu ${command ?? ''}: failed: ${err instanceof BackupError ? err.message : String((err as Error)?.stack ?? err)}`);
  process.exit(1);
}
