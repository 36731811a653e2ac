import { useState } from 'react';
import { TEXT_LIMITS } from '../../../shared/schema';
import type { CentreSettings } from '../../../shared/schema';
import type { SessionStart } from '../../db/repositories/sessions';
import { useI18n } from '../../i18n/i18n';
import { activityName } from '../../ui/activity-label';
import { useSessionsMessages } from './messages';
import { useFocusHeading } from './use-focus-heading';

type StartSessionProps = {
  activityTypes: CentreSettings['activityTypes'];
  onStart: (start: SessionStart) => Promise<void>;
  onCancel: () => void;
};

const PLACE_MAX = TEXT_LIMITS.place;

/** Starting a session is one tap on its activity; the place, typed first, is optional. */
export function StartSession({ activityTypes, onStart, onCancel }: StartSessionProps) {
  const m = useSessionsMessages();
  const { language } = useI18n();
  const heading = useFocusHeading<HTMLHeadingElement>();
  const [place, setPlace] = useState('');
  const [busy, setBusy] = useState(false);

  const start = async (activity: string) => {
    // One session per tap: a double tap on a slow tablet must not start two.
    if (busy) return;
    setBusy(true);
    try {
      await onStart({ activity, place });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel start-session" aria-labelledby="start-session-title">
      <h2 id="start-session-title" ref={heading} tabIndex={-1}>
        {m('startTitle')}
      </h2>
      <div className="field">
        <label htmlFor="session-place">{m('placeLabel')}</label>
        <p id="session-place-hint" className="hint">
          {m('placeHint')}
        </p>
        <input
          id="session-place"
          className="text-input"
          dir="auto"
          value={place}
          onChange={(event) => setPlace(event.target.value)}
          maxLength={PLACE_MAX}
          autoComplete="off"
          aria-describedby="session-place-hint"
        />
      </div>
      <p id="choose-activity" className="choose-activity">
        {m('chooseActivity')}
      </p>
      <ul className="tiles activity-tiles" aria-labelledby="choose-activity">
        {activityTypes
          .filter((type) => type.active)
          .map((type) => (
            <li key={type.id}>
              <button type="button" className="tile activity-tile" disabled={busy} onClick={() => void start(type.id)}>
                {/* Heard as "Start Football"; the tile shows the activity alone, big. */}
                <span className="visually-hidden">{m('start')}</span>{' '}
                <span className="session-activity">{activityName(type, language)}</span>
              </button>
            </li>
          ))}
      </ul>
      <div className="actions">
        <button type="button" className="button" onClick={onCancel}>
          {m('cancel')}
        </button>
      </div>
    </section>
  );
}
