import { describe, expect, it } from 'vitest';
import { evidenceFileName } from '../../server/schedule/evidenceFileName.ts';

describe('F-NAME-FOLLOWS-TYPE: an evidence file is named after its type', () => {
  it('F-NAME-FOLLOWS-TYPE: the extension is the sniffed type\'s, the stem the uploader\'s', () => {
    expect(evidenceFileName('evidence.html', 'image/png')).toBe('evidence.png');
    expect(evidenceFileName('会议纪要.PDF.exe', 'application/pdf')).toBe('会议纪要.PDF.pdf');
    expect(evidenceFileName('照片', 'image/jpeg')).toBe('照片.jpg');
    expect(evidenceFileName('photo.jpeg', 'image/webp')).toBe('photo.webp');
  });

  it('F-NAME-FOLLOWS-TYPE: folders, control characters and hidden-file dots are dropped', () => {
    expect(evidenceFileName('C:\\Users\\x\\..\\evil.svg', 'image/png')).toBe('evil.png');
    expect(evidenceFileName('../../etc/passwd', 'application/pdf')).toBe('passwd.pdf');
    expect(evidenceFileName('.htaccess', 'image/png')).toBe('attachment.png');
    expect(evidenceFileName('a\u0007b.png', 'image/png')).toBe('ab.png');
    expect(evidenceFileName(`${'长'.repeat(300)}.png`, 'image/png')).toHaveLength(200);
  });
});
