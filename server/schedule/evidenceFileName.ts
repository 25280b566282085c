import path from 'node:path';

/** The extension each accepted evidence type is stored and served with. */
const EXTENSIONS: Record<string, string> = {
  'image/jpeg': '.jpg',
  'image/png': '.png',
  'image/webp': '.webp',
  'application/pdf': '.pdf',
};

/**
 * F-NAME-FOLLOWS-TYPE: an evidence file's name ends with the extension of its (sniffed)
 * type, whatever the uploader called it: `evidence.html` whose bytes are a PNG is stored and
 * served as `evidence.png`, so that no browser or desktop opens it as something else.
 * Folders and control characters are dropped; the stem keeps the uploader's words.
 */
export function evidenceFileName(originalName: string, contentType: string): string {
  // Control characters are what this strips from a client's file name.
  // eslint-disable-next-line no-control-regex
  const base = path.posix.basename(originalName.replace(/\\/g, '/')).replace(/[\u0000-\u001f\u007f]/g, '').trim();
  const extension = EXTENSIONS[contentType] ?? '';
  const stem = base.replace(/\.[^.]*$/, '').replace(/^\.+/, '').trim() || 'attachment';
  return stem.slice(0, 200 - extension.length) + extension;
}
