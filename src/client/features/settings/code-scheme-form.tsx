import { useState } from 'react';
import type { SettingValue } from '../../../shared/schema';
import { ChoiceGroup } from '../../ui/choice-group';
import { useSettingsMessages } from './messages';
import { SettingsForm, type SaveSetting } from './settings-form';

type CodeScheme = SettingValue<'codeScheme'>;

type CodeSchemeFormProps = { stored: CodeScheme; readOnly: boolean; save: SaveSetting };

/** Codes issued by Daybook, or the centre's own pre-numbered wristbands. */
export function CodeSchemeForm({ stored, readOnly, save }: CodeSchemeFormProps) {
  const m = useSettingsMessages();
  const [draft, setDraft] = useState<CodeScheme | null>(null);
  const value = draft ?? stored;

  const submit = async () => {
    if (await save('codeScheme', value, m('codeSchemeSaved'))) setDraft(null);
  };

  return (
    <SettingsForm title={m('codeSchemeTitle')} readOnly={readOnly} onSave={() => void submit()}>
      <ChoiceGroup
        legend={m('codeScheme')}
        choices={[
          { value: 'issued', label: m('codeSchemeIssued') },
          { value: 'wristband', label: m('codeSchemeWristband') },
        ]}
        value={value}
        onChange={setDraft}
      />
    </SettingsForm>
  );
}
