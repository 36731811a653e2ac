import { useEffect, useId, useRef } from 'react';
import { centreDay, localTime } from '../../../shared/dates';
import { timeFromNow } from '../../../shared/time-in-words';
import type { EnrolmentCode, Role } from '../../../shared/schema';
import { useNow } from '../../db/hooks/settings';
import { useI18n } from '../../i18n/i18n';
import { enrolLink } from '../../ui/enrol-link';
import { formatDay } from '../../ui/format-day';
import { QrCode } from '../../ui/qr-code';
import { useTabletsMessages } from './messages';

export type MintedCode = EnrolmentCode & { role: Role; uses: number };

type EnrolmentCodeCardProps = { minted: MintedCode; serverUrl: string; timeZone: string; onClose: () => void };

/**
 * A code just made, for the new tablet to scan: the QR code of the enrol link and the code in
 * large type, both readable from a metre, with how many tablets it works for and until when.
 * The server keeps only the code's hash, so this is the one time it can be shown.
 */
export function EnrolmentCodeCard({ minted, serverUrl, timeZone, onClose }: EnrolmentCodeCardProps) {
  const m = useTabletsMessages();
  const { language } = useI18n();
  const now = useNow(30_000);
  const titleId = useId();
  const titleRef = useRef<HTMLHeadingElement>(null);
  const expired = now >= minted.expiresAt;

  useEffect(() => {
    // The form the lead filled in is gone: start reading at what replaced it.
    titleRef.current?.focus();
  }, []);

  const until = {
    time: localTime(minted.expiresAt, timeZone),
    day: formatDay(centreDay(minted.expiresAt, timeZone), language),
    inWords: timeFromNow(minted.expiresAt, now, language),
  };

  return (
    <section className="panel enrolment-code" aria-labelledby={titleId}>
      <h2 id={titleId} ref={titleRef} tabIndex={-1}>
        {minted.role === 'lead' ? m('codeTitleLead') : m('codeTitleVolunteer')}
      </h2>
      {expired ? (
        <p className="tablets-problem" role="alert">
          {m('expired')}
        </p>
      ) : (
        <>
          <p className="enrolment-code-text" translate="no">
            {minted.code}
          </p>
          <div className="enrolment-code-body">
            <QrCode className="enrolment-qr" text={enrolLink(serverUrl, minted.code)} label={m('qrLabel', { code: minted.code })} />
            <div className="enrolment-code-words">
              <p className="enrolment-code-works">{m('worksMany', { n: minted.uses, ...until })}</p>
              <p>{m('scanHint')}</p>
              <p className="enrolment-server">{m('serverIs', { server: serverUrl })}</p>
              <p className="hint">{m('shownOnce')}</p>
            </div>
          </div>
        </>
      )}
      <div className="actions">
        <button type="button" className="button primary" onClick={onClose}>
          {m('closeCode')}
        </button>
      </div>
    </section>
  );
}
