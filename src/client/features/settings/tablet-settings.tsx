import { useEffect, useId, useRef, useState } from 'react';
import type { Role } from '../../../shared/schema';
import { useDeviceRole } from '../../db/device';
import { changeDeviceRole } from '../../db/settings-write';
import { InvalidWriteError } from '../../db/write';
import { LANGUAGES, useI18n, type Language } from '../../i18n/i18n';
import { ChoiceGroup } from '../../ui/choice-group';
import { useSettingsMessages } from './messages';

type Confirm = (text: string, undo: () => Promise<void>) => void;

/** Each language by its own name, so someone who cannot read the current one still finds theirs. */
const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', fr: 'Français' };

/** The tablet's language: applies at once, kept on this tablet only. */
export function LanguageSection({ confirm }: { confirm: Confirm }) {
  const { language, setLanguage } = useI18n();
  const m = useSettingsMessages();
  const titleId = useId();
  // The language a switch came from, until the confirmation has been shown.
  const switchedFrom = useRef<Language | null>(null);

  useEffect(() => {
    // After the switch has re-rendered, so the confirmation is said in the new language.
    const previous = switchedFrom.current;
    if (previous === null) return;
    switchedFrom.current = null;
    confirm(m('languageChanged'), () => {
      setLanguage(previous);
      return Promise.resolve();
    });
  }, [m, confirm, setLanguage]);

  const choose = (next: Language) => {
    if (next === language) return;
    switchedFrom.current = language;
    setLanguage(next);
  };
  return (
    <section className="panel settings-form" aria-labelledby={titleId}>
      <h3 id={titleId}>{m('languageTitle')}</h3>
      <ChoiceGroup
        legend={m('languageLegend')}
        choices={LANGUAGES.map((value) => ({ value, label: LANGUAGE_NAMES[value] }))}
        value={language}
        onChange={choose}
      />
    </section>
  );
}

/**
 * Who uses this tablet. Becoming a volunteer's tablet is immediate; becoming a lead's again is
 * allowed only while `canSwitchToLead` says so (today: a tablet that was never enrolled).
 */
export function RoleSection({ confirm }: { confirm: Confirm }) {
  const m = useSettingsMessages();
  const role = useDeviceRole();
  const titleId = useId();
  const [error, setError] = useState<string | null>(null);

  const choose = async (next: Role) => {
    const previous = role;
    try {
      await changeDeviceRole(next);
      setError(null);
      confirm(m(next === 'lead' ? 'roleNowLead' : 'roleNowVolunteer'), () => changeDeviceRole(previous));
    } catch (failure) {
      if (!(failure instanceof InvalidWriteError)) throw failure;
      setError(m('roleLeadRefused'));
    }
  };

  return (
    <section className="panel settings-form" aria-labelledby={titleId}>
      <h3 id={titleId}>{m('roleTitle')}</h3>
      <p className="hint">{m('roleHint')}</p>
      <ChoiceGroup
        legend={m('roleLegend')}
        choices={[
          { value: 'lead', label: m('roleLead') },
          { value: 'volunteer', label: m('roleVolunteer') },
        ]}
        value={role}
        onChange={(next) => void choose(next)}
        error={error ?? undefined}
      />
    </section>
  );
}
