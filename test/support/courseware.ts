import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * Courseware files made by the test itself: a PDF written object by object (one
 * line of text per page, landscape like a slide), and PowerPoint/Word files that
 * LibreOffice saves from an OpenDocument presentation and a plain text file.
 */

/** A real PDF of `pages.length` pages, each showing its line of (ASCII) text. */
export function slidesPdf(pages: readonly string[]): Buffer {
  const objects: string[] = [];
  const pageIds = pages.map((_, i) => 4 + i * 2);
  objects[1] = '<< /Type /Catalog /Pages 2 0 R >>';
  objects[2] = `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pages.length} >>`;
  objects[3] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>';
  pages.forEach((text, i) => {
    const stream = `BT /F1 48 Tf 72 300 Td (${text.replace(/[()\\]/g, '')}) Tj ET`;
    objects[4 + i * 2] = `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 960 540] /Resources << /Font << /F1 3 0 R >> >> /Contents ${5 + i * 2} 0 R >>`;
    objects[5 + i * 2] = `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`;
  });
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  for (let id = 1; id < objects.length; id++) {
    offsets[id] = out.length;
    out += `${id} 0 obj\n${objects[id]}\nendobj\n`;
  }
  const xref = out.length;
  out += `xref\n0 ${objects.length}\n0000000000 65535 f \n${offsets.slice(1).map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

const fodp = (pages: readonly string[]) => `<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.presentation">
<office:body><office:presentation>
${pages.map((t, i) => `<draw:page draw:name="p${i + 1}"><draw:frame svg:x="2cm" svg:y="2cm" svg:width="20cm" svg:height="3cm"><draw:text-box><text:p>${t}</text:p></draw:text-box></draw:frame></draw:page>`).join('\n')}
</office:presentation></office:body></office:document>`;

/** A .pptx with one slide per line and a .docx of the same lines, saved by LibreOffice. */
export async function officeFiles(lines: readonly string[]): Promise<{ pptx: Buffer; docx: Buffer }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tongbu-courseware-fixture-'));
  try {
    writeFileSync(path.join(dir, 'slides.fodp'), fodp(lines));
    writeFileSync(path.join(dir, 'handout.txt'), lines.join('\n') + '\n');
    const run = promisify(execFile);
    const soffice = (to: string, file: string) =>
      run('soffice', [`-env:UserInstallation=file://${dir}/profile`, '--headless', '--norestore', '--convert-to', to, '--outdir', dir, path.join(dir, file)], { env: { ...process.env, HOME: dir }, timeout: 120_000 });
    await soffice('pptx', 'slides.fodp');
    await soffice('docx', 'handout.txt');
    return { pptx: readFileSync(path.join(dir, 'slides.pptx')), docx: readFileSync(path.join(dir, 'handout.docx')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const PPTX = 'application/vnd.openxmlformats-officedocument.presentationml.presentation';

/** A file for createCaller's upload (`file`). */
export const upload = (bytes: Buffer, name: string, type: string) => Object.assign(new Blob([new Uint8Array(bytes)], { type }), { name });
