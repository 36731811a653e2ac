import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { centreDay } from '../../../shared/dates';
import { useCentreSettings, useNow } from '../../db/hooks/settings';
import { useOnDuty } from '../../db/hooks/presence';
import type { PresentChild } from '../../db/repositories/presence';
import { useUiMessages } from '../../ui/messages';
import { useTodayMessages } from './messages';
import { ActionNotice, useActions } from '../../ui/actions';
import { useDayWriteAccess } from '../../ui/lead-lock';
import { FindChild } from './find-child';
import { Headcount } from './headcount';
import { PresentList } from './present-list';

import { afterFirstScreen, markFirstScreenDrawn } from '../../ui/first-screen';
import { useAttendanceActions } from './use-attendance-actions';
import { loadRegistrationForm, useRegistrationForm } from './use-registration-form';
import { usePresentNow } from './use-present-now';
import './today.css';

/** The registration form open now; `opened` tells one form's double tap from the next form's tap. */
type Registering = { code: string | null; opened: number } | null;

let markedUsable = false;

/** The volunteer's home screen: who is here, the ratio, and checking children in and out. */
export function TodayScreen() {
  const t = useTodayMessages();
  const settings = useCentreSettings();
  const now = useNow();
  const day = centreDay(now, settings.timeZone);
  const { present, applyCommitted } = usePresentNow(day);
  const onDuty = useOnDuty(day);
  const access = useDayWriteAccess(day);
  // Checking in is no lead action: it stays offered while the role is read (the repository
  // still refuses a volunteer's write to a closed day).
  const readOnly = access === 'read-only';
  const [registering, setRegistering] = useState<Registering>(null);
  const actions = useActions();
  const presentIds = useMemo(() => new Set((present ?? []).map((entry) => entry.child.id)), [present]);
  const attendance = useAttendanceActions({
    scheme: settings.codeScheme,
    isPresent: (childId) => presentIds.has(childId),
    actions,
    onUnknownCode: (code) => setRegistering({ code, opened: Date.now() }),
    onCommitted: applyCommitted,
  });

  // A stable callback for the memoised tiles, always calling the latest actions.
  const latestActions = useRef(attendance);
  useLayoutEffect(() => {
    latestActions.current = attendance;
  });
  const checkOutTile = useCallback((entry: PresentChild) => void latestActions.current.toggle(entry.child), []);

  // Fetched as soon as Today is drawn and the tablet is idle, so "New child" opens at once.
  useEffect(() => afterFirstScreen(() => void loadRegistrationForm().catch(() => undefined)), []);
  const form = useRegistrationForm(registering && !readOnly ? registering.opened : null);

  useEffect(() => {
    // The benchmark's "Today is usable" moment: the present list has been read and drawn.
    if (present && !markedUsable) {
      markedUsable = true;
      performance.mark('daybook:today-usable');
      markFirstScreenDrawn();
    }
  }, [present]);

  return (
    <div className="today">
      <h1 className="visually-hidden">{t('todayTitle')}</h1>
      <Headcount children={present?.length ?? 0} volunteers={onDuty?.length ?? 0} limits={settings.ratioLimits} />
      {(access === 'read-only' || access === 'closed-lead') && (
        <p className="day-closed" role="status">
          {access === 'read-only' ? t('dayClosedReadOnly') : t('dayClosedLead')}
        </p>
      )}
      <ActionNotice actions={actions} />
      {registering && !readOnly ? (
        form.status === 'ready' ? (
          <form.Form
            code={registering.code}
            onRegister={async (profile) => {
              if (await attendance.register(registering.code, profile, `register:${registering.opened}`)) setRegistering(null);
            }}
            onCancel={() => setRegistering(null)}
          />
        ) : (
          <RegistrationUnavailable failed={form.status === 'failed'} onCancel={() => setRegistering(null)} />
        )
      ) : (
        <FindChild
          scheme={settings.codeScheme}
          presentIds={presentIds}
          disabled={readOnly}
          onSubmitCode={attendance.submitCode}
          onChooseChild={attendance.toggle}
          onNewChild={() => {
            actions.clear();
            setRegistering({ code: null, opened: Date.now() });
          }}
        />
      )}
      <PresentList
        present={present ?? []}
        now={now}
        timeZone={settings.timeZone}
        disabled={readOnly}
        onCheckOut={checkOutTile}
      />
    </div>
  );
}

/** While the registration form arrives (a moment), or when it could not (offline on a first visit). */
function RegistrationUnavailable({ failed, onCancel }: { failed: boolean; onCancel: () => void }) {
  const t = useTodayMessages();
  const ui = useUiMessages();
  if (!failed) return <p className="loading">{ui('loading')}</p>;
  return (
    <section className="panel" role="alert">
      <p>{t('registrationUnavailable')}</p>
      <button type="button" className="button" onClick={onCancel}>
        {t('cancel')}
      </button>
    </section>
  );
}
