import { useId, useState, type FormEvent } from 'react';
import { localTime, centreDay } from '../../../shared/dates';
import { formatCodeForReading, type CodeScheme } from '../../../shared/codes';
import { MAX_CODES_AHEAD, type ReservedBatchView } from '../../db/repositories/reserved-codes';
import { useI18n } from '../../i18n/i18n';
import { CountField } from '../../ui/count-field';
import { formatDay } from '../../ui/format-day';
import { useCardsMessages } from './messages';

/** The number typed, when it is a count the lead may issue (1 to 200); null otherwise. */
export function countOf(typed: string): number | null {
  if (!/^\d{1,3}$/.test(typed.trim())) return null;
  const count = Number(typed.trim());
  return count >= 1 && count <= MAX_CODES_AHEAD ? count : null;
}

type CodesAheadProps = {
  scheme: CodeScheme;
  timeZone: string;
  batches: readonly ReservedBatchView[];
  shownBatchId: string | null;
  onShow: (batchId: string) => void;
  /** Resolves when the codes are issued (and shown in the preview), or refused. */
  onIssue: (count: number) => Promise<void>;
};

/** Codes issued ahead for a busy opening: how many to issue, and the batches this tablet keeps. */
export function CodesAhead({ scheme, timeZone, batches, shownBatchId, onShow, onIssue }: CodesAheadProps) {
  const m = useCardsMessages();
  const { language } = useI18n();
  const id = useId();
  const [typed, setTyped] = useState('10');
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const count = countOf(typed);
  const invalid = tried && count === null;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (count === null || busy) return;
    setBusy(true);
    try {
      await onIssue(count);
    } finally {
      setBusy(false);
    }
  };

  if (scheme !== 'issued') {
    return (
      <section className="panel codes-ahead" aria-labelledby={`${id}-title`}>
        <h2 id={`${id}-title`}>{m('aheadTitle')}</h2>
        <p>{m('aheadWristband')}</p>
      </section>
    );
  }

  return (
    <>
      <form className="panel codes-ahead" aria-labelledby={`${id}-title`} onSubmit={(event) => void submit(event)} noValidate>
        <h2 id={`${id}-title`}>{m('aheadTitle')}</h2>
        <p className="hint">{m('aheadHint')}</p>
        <CountField
          label={m('countLabel')}
          hint={m('countHint', { max: MAX_CODES_AHEAD })}
          value={typed}
          count={count}
          startFrom={0}
          onChange={setTyped}
          error={invalid ? m('countInvalid', { max: MAX_CODES_AHEAD }) : null}
          min={1}
          max={MAX_CODES_AHEAD}
          step={10}
          fewerLabel={m('fewer')}
          moreLabel={m('more')}
        />
        <div className="actions">
          <button type="submit" className="button primary" disabled={busy}>
            {m('issue', { n: count ?? typed })}
          </button>
        </div>
      </form>
      {batches.length > 0 && (
        <section className="panel reserved-batches" aria-labelledby={`${id}-batches`}>
          <h2 id={`${id}-batches`}>{m('batchesTitle')}</h2>
          <ul>
            {batches.map((batch) => (
              <li key={batch.id} className="reserved-batch">
                <div>
                  <h3>{m('batchTitle', { day: formatDay(centreDay(batch.reservedAt, timeZone), language), time: localTime(batch.reservedAt, timeZone), n: batch.issued })}</h3>
                  <p className="hint">{batch.waiting.length === 0 ? m('batchAllGiven') : m('batchWaiting', { n: batch.waiting.length })}</p>
                  {batch.waiting.length > 0 && (
                    <p className="reserved-codes" translate="no">
                      {batch.waiting.map(formatCodeForReading).join(', ')}
                    </p>
                  )}
                </div>
                {batch.waiting.length > 0 &&
                  (batch.id === shownBatchId ? (
                    <p className="batch-shown">{m('batchShown')}</p>
                  ) : (
                    <button type="button" className="button" onClick={() => onShow(batch.id)}>
                      {m('batchShow', { n: batch.waiting.length })}
                    </button>
                  ))}
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
