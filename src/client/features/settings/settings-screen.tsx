import { useId } from 'react';
import type { SettingKey, SettingValue } from '../../../shared/schema';
import { useDeviceRole } from '../../db/hooks/access';
import { useCentreSettings } from '../../db/hooks/settings';
import { db } from '../../db/db';
import { saveSetting } from '../../db/repositories/settings';
import { ActionNotice, useActions } from '../../ui/actions';
import { LeadGate } from '../../ui/lead-gate';
import { ActivityTypesForm } from './activity-types-form';
import { CodeSchemeForm } from './code-scheme-form';
import { useSettingsMessages } from './messages';
import { OpeningHoursForm } from './opening-hours-form';
import { RatioLimitsForm } from './ratio-limits-form';
import { RetentionForm } from './retention-form';
import type { SaveSetting } from './settings-form';
import { LeadPinSection } from './lead-pin-section';
import { LanguageSection, RoleSection } from './tablet-settings';
import { TimeZoneForm } from './time-zone-form';
import './settings.css';

/** /settings: the centre's settings (a lead changes them) and this tablet's own. */
export function SettingsScreen() {
  const m = useSettingsMessages();
  const settings = useCentreSettings();
  const role = useDeviceRole();
  const readOnly = role !== 'lead';
  const ids = { centre: useId(), tablet: useId() };
  const actions = useActions();

  const save: SaveSetting = async <K extends SettingKey>(key: K, value: SettingValue<K>, confirmation: string) => {
    // What Undo puts back: the value as it was when Save was tapped.
    const previous = settings[key];
    const saved = await actions.run(
      () => saveSetting(db, key, value),
      () => ({ text: confirmation, undo: () => saveSetting(db, key, previous) }),
      { key: `setting:${key}` },
    );
    return saved !== null;
  };

  return (
    <div className="settings">
      <h1>{m('title')}</h1>
      <ActionNotice actions={actions} />
      <section aria-labelledby={ids.centre} className="settings-group">
        <h2 id={ids.centre}>{m('centreTitle')}</h2>
        <p className="hint">{m('centreHint')}</p>
        {/* Until the role is read, nothing shows: neither a lead's forms nor a volunteer's note. */}
        {role !== undefined && (
          <LeadGate>
            {readOnly && <p className="lead-only">{m('leadOnly')}</p>}
            <ActivityTypesForm stored={settings.activityTypes} readOnly={readOnly} save={save} />
            <RatioLimitsForm stored={settings.ratioLimits} readOnly={readOnly} save={save} />
            <OpeningHoursForm stored={settings.openingHours} readOnly={readOnly} save={save} />
            <TimeZoneForm stored={settings.timeZone} readOnly={readOnly} save={save} />
            <CodeSchemeForm stored={settings.codeScheme} readOnly={readOnly} save={save} />
            <RetentionForm stored={settings.retentionMonths} readOnly={readOnly} save={save} />
          </LeadGate>
        )}
      </section>
      <section aria-labelledby={ids.tablet} className="settings-group">
        <h2 id={ids.tablet}>{m('tabletTitle')}</h2>
        <p className="hint">{m('tabletHint')}</p>
        <LanguageSection confirm={actions.say} />
        <RoleSection />
        {role === 'lead' && (
          <LeadGate whenLocked={null}>
            <LeadPinSection actions={actions} />
          </LeadGate>
        )}
      </section>
    </div>
  );
}
