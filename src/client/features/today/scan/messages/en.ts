/** English, the source: every other language follows its keys. */
export default {
  title: 'Scan a child’s card',
  looking: 'Hold the child’s card in front of the camera.',
  notACard: 'That QR code is not a child’s card. Scan the card, or type the code printed on it.',
  scan: 'Scan a card',
};
