import { useCallback, useId } from 'react';
import type { SettingKey, SettingValue } from '../../../shared/schema';
import { useDeviceRole } from '../../db/device';
import { useCentreSettings } from '../../db/hooks';
import { saveSetting } from '../../db/settings-write';
import { NoticeBar, useNotice, type Notice } from '../../ui/notice';
import { ActivityTypesForm } from './activity-types-form';
import { CodeSchemeForm } from './code-scheme-form';
import { useSettingsMessages } from './messages';
import { OpeningHoursForm } from './opening-hours-form';
import { RatioLimitsForm } from './ratio-limits-form';
import type { SaveSetting } from './settings-form';
import { LanguageSection, RoleSection } from './tablet-settings';
import { TimeZoneForm } from './time-zone-form';
import './settings.css';

/** /settings: the centre's settings (a lead changes them) and this tablet's own. */
export function SettingsScreen() {
  const m = useSettingsMessages();
  const settings = useCentreSettings();
  const readOnly = useDeviceRole() !== 'lead';
  const ids = { centre: useId(), tablet: useId() };
  const { notice, show, showError } = useNotice();

  const failed = useCallback(
    (error: unknown) => showError(m('writeFailed', { reason: error instanceof Error ? error.message : String(error) })),
    [m, showError],
  );

  const save: SaveSetting = async <K extends SettingKey>(key: K, value: SettingValue<K>, confirmation: string) => {
    // What Undo puts back: the value as it was when Save was tapped.
    const previous = settings[key];
    try {
      await saveSetting(key, value);
      show(confirmation, () => saveSetting(key, previous).then(() => undefined));
      return true;
    } catch (error) {
      failed(error);
      return false;
    }
  };

  const undo = async (undone: Notice) => {
    try {
      await undone.undo?.();
      show(m('undone'));
    } catch (error) {
      failed(error);
    }
  };

  return (
    <div className="settings">
      <h1>{m('title')}</h1>
      <div className="settings-notice">
        <NoticeBar notice={notice} undoLabel={m('undo')} onUndo={(n) => void undo(n)} />
      </div>
      <section aria-labelledby={ids.centre} className="settings-group">
        <h2 id={ids.centre}>{m('centreTitle')}</h2>
        <p className="hint">{m('centreHint')}</p>
        {readOnly && <p className="lead-only">{m('leadOnly')}</p>}
        <ActivityTypesForm stored={settings.activityTypes} readOnly={readOnly} save={save} />
        <RatioLimitsForm stored={settings.ratioLimits} readOnly={readOnly} save={save} />
        <OpeningHoursForm stored={settings.openingHours} readOnly={readOnly} save={save} />
        <TimeZoneForm stored={settings.timeZone} readOnly={readOnly} save={save} />
        <CodeSchemeForm stored={settings.codeScheme} readOnly={readOnly} save={save} />
      </section>
      <section aria-labelledby={ids.tablet} className="settings-group">
        <h2 id={ids.tablet}>{m('tabletTitle')}</h2>
        <p className="hint">{m('tabletHint')}</p>
        <LanguageSection confirm={show} />
        <RoleSection confirm={show} />
      </section>
    </div>
  );
}
