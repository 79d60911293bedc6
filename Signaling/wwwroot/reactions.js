// The reactions bar: sends one emoji per click, and shows the room's aggregated `reactions` as floating bursts.

/** The emoji the server accepts (docs/signaling-protocol.md, reaction.send). */
export const EMOJI = ['👍', '❤️', '😂', '👏', '🎉', '😮'];
// However many reacted, a burst shows at most this many floating emoji per kind, so 10,000 thumbs do not freeze the page.
const MAX_FLOATS = 12;

export class ReactionsBar {
  #bar;
  #stage;
  #send;
  /** Counts received so far by emoji (test hook). */
  totals = {};

  constructor(bar, stage, send) {
    this.#bar = bar;
    this.#stage = stage;
    this.#send = send;
    bar.replaceChildren(...EMOJI.map((emoji) => {
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = emoji;
      button.title = `React with ${emoji}`;
      button.addEventListener('click', () => this.#send({ type: 'reaction.send', emoji }));
      return button;
    }));
  }

  /** Handles a server message; false when it is not a reactions push. */
  handle(m) {
    if (m.type !== 'reactions' || typeof m.counts !== 'object' || m.counts === null) return false;
    for (const [emoji, n] of Object.entries(m.counts)) {
      if (!EMOJI.includes(emoji) || !Number.isInteger(n) || n <= 0) continue;
      this.totals[emoji] = (this.totals[emoji] ?? 0) + n;
      this.#burst(emoji, n);
    }
    return true;
  }

  #burst(emoji, n) {
    for (let i = 0; i < Math.min(n, MAX_FLOATS); i++) {
      const float = document.createElement('span');
      float.className = 'float';
      float.textContent = emoji;
      float.style.left = `${5 + Math.random() * 90}%`;
      float.style.animationDelay = `${Math.random() * 600}ms`;
      float.addEventListener('animationend', () => float.remove());
      this.#stage.append(float);
    }
    if (n > MAX_FLOATS) {
      const label = document.createElement('span');
      label.className = 'float count';
      label.textContent = `${emoji} ×${n}`;
      label.style.left = `${10 + Math.random() * 70}%`;
      label.addEventListener('animationend', () => label.remove());
      this.#stage.append(label);
    }
  }
}
