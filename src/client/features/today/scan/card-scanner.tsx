import { useState } from 'react';
import type { CodeProblem } from '../../../../shared/codes';
import { useScanMessages } from './messages';
import { QrScanner } from '../../../ui/qr-scanner';
import { cardMemory } from './card-memory';
import './card-scanner.css';

/**
 * Today's camera, loaded on the first tap of its button (never in the first load): each card it
 * reads goes down the very path of a code typed and sent, so a scan checks the child in or out
 * with the same confirmation and Undo, or offers registration for a code the tablet does not know.
 */

export type CardScannerProps = {
  /** What pressing "Check in or out" does with a typed code; resolves to a problem, or null when handled. */
  onSubmitCode: (typed: string) => Promise<CodeProblem | null>;
  onStop: () => void;
};

export function CardScanner({ onSubmitCode, onStop }: CardScannerProps) {
  const m = useScanMessages();
  // One memory while the camera is open; its clock is Date.now, which the tests set.
  const [memory] = useState(() => cardMemory());
  const [note, setNote] = useState<string | null>(null);

  const read = (text: string): boolean => {
    if (!memory.isNewScan(text)) return false;
    void onSubmitCode(text).then(
      (problem) => setNote(problem ? m('notACard') : null),
      // The check-in's own refusal is said in the notice above (actions.tsx); nothing to add here.
      () => setNote(null),
    );
    // Keep looking: the next child in the queue holds up their card.
    return false;
  };

  return (
    <section className="card-scanner" aria-label={m('title')}>
      <QrScanner onRead={read} onStop={onStop} note={note} hint={m('looking')} />
    </section>
  );
}
