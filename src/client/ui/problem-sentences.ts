import type { WriteProblem } from '../db/core/write';
import type { Language } from '../i18n/i18n';

/**
 * Why a repository refused a write, as a sentence in the tablet's language (product.md: a
 * volunteer never reads a developer's message). A Record over WriteProblem: TypeScript fails
 * here when a problem is added without its sentence in every language.
 */
const SENTENCES: Record<Language, Record<WriteProblem, string>> = {
  en: {
    invalid: 'That was not saved: something in it is not accepted.',
    'lead-only': 'Only a lead can do that.',
    'day-closed': 'This day is closed. Only a lead can change it.',
    'day-already-closed': 'This day is already closed.',
    'day-not-closed': 'This day is not closed.',
    'no-such-child': 'This child is not on this tablet yet. Sync, then try again.',
    'no-such-record': 'That is no longer on this tablet.',
    'no-such-session': 'This session is not on this tablet.',
    'session-ended': 'This session has ended.',
    'no-such-activity': 'This activity is no longer offered.',
    'activity-in-use': 'Sessions use this activity, so it stays. Stop offering it instead.',
    'no-such-volunteer': 'This volunteer is not on this tablet.',
    'volunteer-off-list': 'This volunteer is no longer on the list. Add them again.',
    'choose-children': 'Choose at least one child.',
    'child-not-here': 'That child is not checked in today.',
    'child-not-in-session': 'That child is not in this session.',
    'choose-signer': 'Choose who signs the day off.',
    'check-out-time': 'That check-out time cannot be used.',
    'code-invalid': 'That code is not right. Check each character.',
    'code-erased': 'This code belonged to a child whose records were erased. Give the child a new card.',
    'codes-used-up': 'This tablet has given out all its codes. Connect it to the server for new ones.',
    'name-empty': 'Type a first name or nickname.',
    'name-taken': 'That name is taken. Add a letter to tell them apart.',
    'too-long': 'That text is too long.',
    'pin-invalid': 'A PIN is 4 to 8 digits.',
  },
  fr: {
    invalid: 'Ce n’est pas enregistré : une partie n’est pas acceptée.',
    'lead-only': 'Seule une personne responsable peut faire cela.',
    'day-closed': 'Cette journée est clôturée. Seule une personne responsable peut la modifier.',
    'day-already-closed': 'Cette journée est déjà clôturée.',
    'day-not-closed': 'Cette journée n’est pas clôturée.',
    'no-such-child': 'Cet enfant n’est pas encore sur cette tablette. Synchronisez, puis réessayez.',
    'no-such-record': 'Ce n’est plus sur cette tablette.',
    'no-such-session': 'Cette séance n’est pas sur cette tablette.',
    'session-ended': 'Cette séance est terminée.',
    'no-such-activity': 'Cette activité n’est plus proposée.',
    'activity-in-use': 'Des séances utilisent cette activité : elle reste. Arrêtez plutôt de la proposer.',
    'no-such-volunteer': 'Cette personne bénévole n’est pas sur cette tablette.',
    'volunteer-off-list': 'Cette personne bénévole n’est plus sur la liste. Ajoutez-la à nouveau.',
    'choose-children': 'Choisissez au moins un enfant.',
    'child-not-here': 'Cet enfant n’est pas arrivé aujourd’hui.',
    'child-not-in-session': 'Cet enfant n’est pas dans cette séance.',
    'choose-signer': 'Choisissez qui clôture la journée.',
    'check-out-time': 'Cette heure de départ ne convient pas.',
    'code-invalid': 'Ce code n’est pas bon. Vérifiez chaque caractère.',
    'code-erased': 'Ce code était celui d’un enfant dont les données ont été effacées. Donnez une nouvelle carte à l’enfant.',
    'codes-used-up': 'Cette tablette a donné tous ses codes. Connectez-la au serveur pour en avoir d’autres.',
    'name-empty': 'Tapez un prénom ou un surnom.',
    'name-taken': 'Ce nom est déjà pris. Ajoutez une lettre pour les distinguer.',
    'too-long': 'Ce texte est trop long.',
    'pin-invalid': 'Un code PIN fait 4 à 8 chiffres.',
  },
};

export function problemSentence(problem: WriteProblem, language: Language): string {
  return SENTENCES[language][problem];
}
