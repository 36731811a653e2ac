import { useState } from 'react';
import type { CodeProblem } from '../../../../shared/codes';
import { useScanMessages } from './messages';
import { canScanQr } from '../../../ui/can-scan-qr';
import { CardScanner } from './card-scanner';

/**
 * The camera button of Today's code field, and the scanner it opens in its place. Not in the
 * first load: Today fetches it once its first screen is drawn (scan-card-loader.ts), and the QR
 * reader comes with the first scan.
 */

export type ScanCardProps = {
  /** What pressing "Check in or out" does with a typed code; resolves to a problem, or null when handled. */
  onSubmitCode: (typed: string) => Promise<CodeProblem | null>;
  /** The camera is off again: typing is one tap away. */
  onClose: () => void;
};

export function ScanCard({ onSubmitCode, onClose }: ScanCardProps) {
  const m = useScanMessages();
  const [scanning, setScanning] = useState(false);
  if (!canScanQr()) return null;
  if (scanning) {
    return (
      <CardScanner
        onSubmitCode={onSubmitCode}
        onStop={() => {
          setScanning(false);
          onClose();
        }}
      />
    );
  }
  return (
    <button type="button" className="button" onClick={() => setScanning(true)}>
      {m('scan')}
    </button>
  );
}
