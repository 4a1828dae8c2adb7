import { EVIDENCE_MAX_BYTES, evidenceFileProblem } from './evidence-file';

describe('evidenceFileProblem', () => {
  it('lets a PDF, JPEG or PNG of up to 5 MB through', () => {
    for (const type of ['application/pdf', 'image/jpeg', 'image/png'])
      expect(evidenceFileProblem({ name: 'a', type, size: EVIDENCE_MAX_BYTES })).toBeNull();
  });

  it('names the file and what is wrong with it', () => {
    expect(evidenceFileProblem({ name: 'notes.txt', type: 'text/plain', size: 10 })).toBe(
      'notes.txt is not a PDF, JPEG or PNG.',
    );
    expect(
      evidenceFileProblem({ name: 'scan.pdf', type: 'application/pdf', size: EVIDENCE_MAX_BYTES + 1 }),
    ).toContain('larger than 5 MB');
    expect(evidenceFileProblem({ name: 'empty.png', type: 'image/png', size: 0 })).toBe(
      'empty.png is empty.',
    );
  });
});
