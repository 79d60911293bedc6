// Raised hands and the live room (docs/conference-features.md): a visitor's raise/lower button, the moderator's queue
// with approve/deny, the Go live button, the waiting screen; on `promoted` the page rejoins main as a participant.

export class HandsPanel {
  #session;
  #root;
  #raise;
  #queue;
  #goLive;
  #waiting;
  #note;
  #version = -1;
  #raised = false;
  /** The last queue shown (test hook). */
  hands = [];

  /** `root`: an element the panel fills; `session()`: the current Session (or null). */
  constructor(root, session) {
    this.#root = root;
    this.#session = session;
    this.#raise = button('Raise hand', () => this.#toggleHand());
    this.#raise.id = 'raise-hand';
    this.#goLive = button('Go live', () => this.#send({ type: 'mod.go-live' }));
    this.#goLive.id = 'go-live';
    this.#goLive.hidden = true;
    this.#queue = document.createElement('ul');
    this.#queue.id = 'hands-queue';
    this.#waiting = document.createElement('p');
    this.#waiting.id = 'waiting';
    this.#waiting.hidden = true;
    this.#note = document.createElement('p');
    this.#note.id = 'hand-note';
    root.replaceChildren(this.#waiting, this.#raise, this.#goLive, this.#queue, this.#note);
  }

  /** Shows the controls that fit the role (called on every render). */
  render(state) {
    this.#raise.hidden = state.role !== 'visitor';
    this.#setRaised(this.#raised);
    this.#queue.hidden = !state.moderator;
    if (state.role) this.#waiting.hidden = true;
  }

  /** Handles a server message; false when it is not one of this panel's. */
  handle(m) {
    switch (m.type) {
      case 'hands':
        if (typeof m.version !== 'number' || m.version < this.#version || !Array.isArray(m.hands)) return true;
        this.#version = m.version;
        this.hands = m.hands;
        this.#queue.replaceChildren(...m.hands.map((h) => {
          const item = document.createElement('li');
          item.textContent = `✋ ${h.name} `;
          item.append(button('Approve', () => this.#send({ type: 'mod.approve', user: h.id })),
            button('Deny', () => this.#send({ type: 'mod.deny', user: h.id })));
          return item;
        }));
        return true;
      case 'hand.denied':
        // The button flips now: no other message may come to re-render the page.
        this.#setRaised(false);
        this.#note.textContent = 'A moderator declined your raised hand.';
        return true;
      case 'promoted':
        this.#setRaised(false);
        this.#note.textContent = 'You were invited on stage; joining as a participant…';
        this.#session()?.promote(m.url, m.ticket);
        return true;
      case 'waiting':
        this.#waiting.hidden = false;
        this.#waiting.textContent = 'The meeting will start soon.';
        return true;
      case 'live':
        this.#goLive.hidden = m.live === true;
        return true;
      default:
        return false;
    }
  }

  #toggleHand() {
    if (this.#send({ type: this.#raised ? 'hand.lower' : 'hand.raise' })) this.#setRaised(!this.#raised);
  }

  #setRaised(raised) {
    this.#raised = raised;
    this.#raise.textContent = raised ? 'Lower hand' : 'Raise hand';
  }

  #send(message) {
    return this.#session()?.sendFeature(message) ?? false;
  }
}

function button(text, onClick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = text;
  b.addEventListener('click', onClick);
  return b;
}
