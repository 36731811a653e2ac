import { useLiveQuery } from 'dexie-react-hooks';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { centreDay } from '../../../shared/dates';
import { isDayClosed } from '../../db/day-guard';
import { useDeviceRole } from '../../db/device';
import { useCentreSettings, useNow } from '../../db/hooks';
import { useOnDuty, type PresentChild } from '../../db/presence-hooks';
import { useT } from '../../i18n/i18n';
import { NoticeBar, useNotice } from '../../ui/notice';
import { FindChild } from './find-child';
import { Headcount } from './headcount';
import { PresentList } from './present-list';
import { RegisterChild } from './register-child';
import { markFirstScreenDrawn } from '../../ui/first-screen';
import { useAttendanceActions } from './use-attendance-actions';
import { usePresentNow } from './use-present-now';
import './today.css';

type Registering = { code: string | null } | null;

let markedUsable = false;

/** The volunteer's home screen: who is here, the ratio, and checking children in and out. */
export function TodayScreen() {
  const t = useT();
  const settings = useCentreSettings();
  const now = useNow();
  const day = centreDay(now, settings.timeZone);
  const { present, applyCommitted } = usePresentNow(day);
  const onDuty = useOnDuty(day);
  const role = useDeviceRole();
  const closed = useLiveQuery(() => isDayClosed(day), [day], false);
  const readOnly = closed && role !== 'lead';
  const [registering, setRegistering] = useState<Registering>(null);
  const notices = useNotice();
  const presentIds = useMemo(() => new Set((present ?? []).map((entry) => entry.child.id)), [present]);
  const actions = useAttendanceActions({
    scheme: settings.codeScheme,
    isPresent: (childId) => presentIds.has(childId),
    notices,
    onUnknownCode: (code) => setRegistering({ code }),
    onCommitted: applyCommitted,
  });

  // A stable callback for the memoised tiles, always calling the latest actions.
  const latestActions = useRef(actions);
  useLayoutEffect(() => {
    latestActions.current = actions;
  });
  const checkOutTile = useCallback((entry: PresentChild) => void latestActions.current.toggle(entry.child), []);

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
      {closed && (
        <p className="day-closed" role="status">
          {readOnly ? t('dayClosedReadOnly') : t('dayClosedLead')}
        </p>
      )}
      <NoticeBar notice={notices.notice} undoLabel={t('undo')} onUndo={(notice) => void actions.undo(notice.undo)} />
      {registering && !readOnly ? (
        <RegisterChild
          code={registering.code}
          onRegister={async (profile) => {
            if (await actions.register(registering.code, profile)) setRegistering(null);
          }}
          onCancel={() => setRegistering(null)}
        />
      ) : (
        <FindChild
          scheme={settings.codeScheme}
          presentIds={presentIds}
          disabled={readOnly}
          onSubmitCode={actions.submitCode}
          onChooseChild={actions.toggle}
          onNewChild={() => {
            notices.clear();
            setRegistering({ code: null });
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
