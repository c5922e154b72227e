// A Stat case must be noticed by a reader who is looking at another window: two short tones through Web Audio (no
// sound file to download). Browsers only allow sound after the user interacted with the page, which the opt-in
// checkbox itself is.
let context: AudioContext | null = null;

export function soundEnabled(): boolean {
  return localStorage.getItem('telemed.statSound') === 'on';
}

export function setSoundEnabled(on: boolean): void {
  localStorage.setItem('telemed.statSound', on ? 'on' : 'off');
  if (on) {
    context ??= new AudioContext();
    void context.resume();
  }
}

export function statAlert(): void {
  if (!soundEnabled()) return;
  try {
    context ??= new AudioContext();
    const start = context.currentTime;
    for (const [offset, frequency] of [[0, 880], [0.25, 660], [0.5, 880]] as const) {
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.2, start + offset);
      gain.gain.exponentialRampToValueAtTime(0.001, start + offset + 0.2);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(start + offset);
      oscillator.stop(start + offset + 0.2);
    }
  } catch {
    // no audio device: the red row and the title still show it
  }
}
