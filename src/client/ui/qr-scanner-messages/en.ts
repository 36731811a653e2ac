/** English, the source: every other language follows its keys. */
export default {
  cameraLabel: 'What the camera sees',
  looking: 'Hold the QR code in front of the camera.',
  stop: 'Stop the camera',
  denied: 'This tablet may not use its camera here. Allow the camera for Daybook in the browser’s settings, or type the code.',
  noCamera: 'This tablet has no camera that Daybook can use. Type the code instead.',
  failed: 'The camera could not start. Type the code instead.',
  noReader: 'The QR code reader could not load. Type the code instead.',
  unreadable: 'A QR code is in view but cannot be read. Hold it still and flat, in good light, or type the code.',
};
