import { useId, useMemo, useState } from 'react';
import { useSettingsMessages } from './messages';
import { SettingsForm, type SaveSetting } from './settings-form';

type TimeZoneFormProps = { stored: string; readOnly: boolean; save: SaveSetting };

/** The zones this tablet's Intl knows, plus the stored one in case it is an alias such as UTC. */
function zonesWith(stored: string): string[] {
  const zones = new Set(Intl.supportedValuesOf('timeZone'));
  zones.add(stored);
  return [...zones].sort();
}

/** The centre's IANA time zone: it decides which day every new record belongs to. */
export function TimeZoneForm({ stored, readOnly, save }: TimeZoneFormProps) {
  const m = useSettingsMessages();
  const id = useId();
  const [draft, setDraft] = useState<string | null>(null);
  const value = draft ?? stored;
  const zones = useMemo(() => zonesWith(stored), [stored]);

  const submit = async () => {
    if (await save('timeZone', value, m('timeZoneSaved', { zone: value }))) setDraft(null);
  };

  return (
    <SettingsForm title={m('timeZoneTitle')} readOnly={readOnly} onSave={() => void submit()}>
      <div className="field">
        <label htmlFor={id}>{m('timeZone')}</label>
        <p id={`${id}-warning`} className="hint warning">
          {m('timeZoneWarning')}
        </p>
        <select id={id} className="settings-input" value={value} onChange={(event) => setDraft(event.target.value)} aria-describedby={`${id}-warning`}>
          {zones.map((zone) => (
            <option key={zone} value={zone}>
              {zone.replaceAll('_', ' ')}
            </option>
          ))}
        </select>
      </div>
    </SettingsForm>
  );
}
