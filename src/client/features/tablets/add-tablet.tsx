import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { Role } from '../../../shared/schema';
import { ChoiceGroup } from '../../ui/choice-group';
import { EnrolmentCodeCard, type MintedCode } from './enrolment-code-card';
import type { LeadApi, LeadProblem } from './lead-api';
import type { LinkComponent } from '../../ui/plain-link';
import { LeadProblemMessage } from './lead-problem';
import { useTabletsMessages } from './messages';
import { UsesField, usesOf } from './uses-field';

/** How long a code may work, in hours: a code scanned now, one for tomorrow, one sent ahead for the week. */
const LASTS = { hour: 1, day: 24, week: 7 * 24 } as const;
type Lasts = keyof typeof LASTS;

type AddTabletProps = {
  api: LeadApi;
  online: boolean;
  serverUrl: string;
  timeZone: string;
  link: LinkComponent;
  /** The code was closed: a tablet may have enrolled with it meanwhile. */
  onCodeClosed: () => void;
};

/**
 * Adding a tablet: who will use it, for how many tablets and how long, then the code from the
 * server, shown until the lead closes it. Nothing is shown that the server has not made.
 */
export function AddTablet({ api, online, serverUrl, timeZone, link, onCodeClosed }: AddTabletProps) {
  const m = useTabletsMessages();
  const titleId = useId();
  const [role, setRole] = useState<Role>('volunteer');
  const [usesText, setUsesText] = useState('1');
  const [lasts, setLasts] = useState<Lasts>('day');
  const [usesError, setUsesError] = useState(false);
  const [problem, setProblem] = useState<LeadProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const [minted, setMinted] = useState<MintedCode | null>(null);
  // A double tap must not make two codes (each a way into the centre until it expires).
  const sending = useRef(false);
  const makeRef = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef(false);

  useEffect(() => {
    if (minted === null && returnFocus.current) makeRef.current?.focus();
  }, [minted]);

  const make = async (event?: FormEvent) => {
    event?.preventDefault();
    const uses = usesOf(usesText);
    if (uses === null) {
      setUsesError(true);
      return;
    }
    if (sending.current) return;
    sending.current = true;
    setBusy(true);
    setProblem(null);
    try {
      const answer = await api.mintCode({ role, uses, ttlHours: LASTS[lasts] });
      if (answer.ok) setMinted({ ...answer.value, role, uses });
      else setProblem(answer.problem);
    } finally {
      sending.current = false;
      setBusy(false);
    }
  };

  if (minted) {
    const close = () => {
      returnFocus.current = true;
      setMinted(null);
      onCodeClosed();
    };
    return <EnrolmentCodeCard minted={minted} serverUrl={serverUrl} timeZone={timeZone} onClose={close} />;
  }

  // Offline, the form would only lead to a refusal: the screen says why instead.
  if (!online) return null;

  return (
    <form className="panel add-tablet" aria-labelledby={titleId} onSubmit={(event) => void make(event)} noValidate>
      <h2 id={titleId}>{m('addTitle')}</h2>
      <p className="hint">{m('addHint')}</p>
      <ChoiceGroup
        legend={m('roleLegend')}
        choices={[
          { value: 'volunteer', label: m('roleVolunteer') },
          { value: 'lead', label: m('roleLead') },
        ]}
        value={role}
        onChange={setRole}
      />
      {role === 'lead' && <p className="hint">{m('roleLeadHint')}</p>}
      <UsesField
        value={usesText}
        onChange={(value) => {
          setUsesText(value);
          setUsesError(false);
        }}
        error={usesError}
      />
      <ChoiceGroup
        legend={m('lastsLegend')}
        choices={[
          { value: 'hour', label: m('lastsHour') },
          { value: 'day', label: m('lastsDay') },
          { value: 'week', label: m('lastsWeek') },
        ]}
        value={lasts}
        onChange={setLasts}
      />
      {problem && <LeadProblemMessage problem={problem} link={link} />}
      <div className="actions">
        <button ref={makeRef} type="submit" className="button primary" disabled={busy}>
          {busy ? m('making') : m('makeCode')}
        </button>
      </div>
    </form>
  );
}
