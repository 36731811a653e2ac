import { useEffect, useId, useRef } from 'react';
import { useEnrolment } from '../../db/hooks/enrolment';
import { LANGUAGE_NAMES, LANGUAGES, useI18n, type Language } from '../../i18n/i18n';
import type { Confirmation } from '../../ui/actions';
import { ChoiceGroup } from '../../ui/choice-group';
import { useSettingsMessages } from './messages';

type Confirm = (confirmation: Confirmation) => void;

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
    confirm({
      text: m('languageChanged'),
      undo: () => {
        setLanguage(previous);
        return Promise.resolve();
      },
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
 * Who uses this tablet: said, never switched (sync-protocol.md, Authority). The role is the one
 * of the code the tablet enrolled with; a tablet that was never enrolled is its own lead.
 */
export function RoleSection() {
  const m = useSettingsMessages();
  const enrolment = useEnrolment();
  const titleId = useId();
  if (enrolment === undefined) return null;
  return (
    <section className="panel settings-form" aria-labelledby={titleId}>
      <h3 id={titleId}>{m('roleTitle')}</h3>
      {enrolment === null ? (
        <>
          <p>{m('roleAlone')}</p>
          <p className="hint">{m('roleAloneHint')}</p>
        </>
      ) : (
        <>
          <p>{enrolment.role === 'lead' ? m('roleLead') : m('roleVolunteer')}</p>
          <p className="hint">{m('roleChangeHint')}</p>
        </>
      )}
    </section>
  );
}
