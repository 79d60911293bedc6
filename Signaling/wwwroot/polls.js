// The polls panel: participants create polls, everyone votes (their own choice highlighted), results show as live bars,
// and the poll's creator or a moderator closes it. The server pushes the room's whole poll set (`polls`); only a newer
// one (higher epoch, or same epoch and higher version) replaces what is shown (docs/signaling-protocol.md, polls).

/** Options a poll may have (server rule, docs/signaling-protocol.md, poll.create). */
const MIN_OPTIONS = 2;
const MAX_OPTIONS = 10;

export class PollsPanel {
  #list;
  #form;
  #question;
  #options;
  #note;
  #send;
  #viewer = { role: null, you: null, moderator: false };
  #at = { epoch: -1, version: -1 };
  /** This client's vote per poll id (the shared snapshot does not say who voted what). */
  #mine = new Map();
  /** The polls shown (test hook). */
  polls = [];

  constructor({ list, form, question, options, note }, send) {
    this.#list = list;
    this.#form = form;
    this.#question = question;
    this.#options = options;
    this.#note = note;
    this.#send = send;
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.#create();
    });
  }

  /** Who looks at the panel: participants may create; the creator or a moderator may close. Null role: not in a room. */
  setViewer(role, you, moderator) {
    const changed = role !== this.#viewer.role || you !== this.#viewer.you || moderator !== this.#viewer.moderator;
    this.#viewer = { role, you, moderator: !!moderator };
    this.#form.hidden = role !== 'participant';
    if (changed) this.#render();
  }

  /** Handles a server message; false when it is neither a `polls` push nor a refusal of a poll request. */
  handle(m) {
    if (m.type === 'polls') {
      if (!Number.isInteger(m.epoch) || !Number.isInteger(m.version) || !Array.isArray(m.polls)) return true;
      if (m.epoch < this.#at.epoch || (m.epoch === this.#at.epoch && m.version <= this.#at.version)) return true;
      // A restarted main node starts its polls afresh (a new epoch): earlier votes belong to polls that are gone.
      if (m.epoch !== this.#at.epoch) this.#mine.clear();
      this.#at = { epoch: m.epoch, version: m.version };
      this.polls = m.polls;
      this.#render();
      return true;
    }
    if (m.type === 'error' && typeof m.inReplyTo === 'string' && m.inReplyTo.startsWith('poll-')) {
      this.#showNote(m.message);
      return true;
    }
    return false;
  }

  #create() {
    const question = this.#question.value.trim();
    const options = this.#options.value.split('\n').map((o) => o.trim()).filter(Boolean);
    if (!question || options.length < MIN_OPTIONS || options.length > MAX_OPTIONS) {
      this.#showNote(`A poll needs a question and ${MIN_OPTIONS} to ${MAX_OPTIONS} options, one per line.`);
      return;
    }
    if (!this.#send({ type: 'poll.create', id: 'poll-create', question, options })) {
      this.#showNote('Not connected; try again in a moment.');
      return;
    }
    this.#showNote(null);
    this.#question.value = '';
    this.#options.value = '';
  }

  #vote(poll, option) {
    if (!this.#send({ type: 'poll.vote', id: 'poll-vote', poll, option })) {
      this.#showNote('Not connected; try again in a moment.');
      return;
    }
    this.#mine.set(poll, option);
    this.#showNote(null);
    this.#render();
  }

  #showNote(text) {
    this.#note.textContent = text ?? '';
    this.#note.hidden = !text;
  }

  #render() {
    const { role, you, moderator } = this.#viewer;
    this.#list.replaceChildren(...[...this.polls].reverse().map((p) => {
      const item = document.createElement('li');
      item.className = p.closed ? 'poll closed' : 'poll';
      item.dataset.poll = p.id;
      const title = document.createElement('h3');
      title.textContent = p.closed ? `${p.question} (closed)` : p.question;
      item.append(title);
      const total = p.tallies.reduce((a, b) => a + b, 0);
      p.options.forEach((text, i) => {
        const button = document.createElement('button');
        button.type = 'button';
        button.className = this.#mine.get(p.id) === i ? 'option mine' : 'option';
        button.disabled = p.closed || !role;
        button.setAttribute('aria-pressed', String(this.#mine.get(p.id) === i));
        const bar = document.createElement('span');
        bar.className = 'bar';
        bar.style.width = `${total ? Math.round((100 * p.tallies[i]) / total) : 0}%`;
        const label = document.createElement('span');
        label.className = 'text';
        label.textContent = text;
        const count = document.createElement('span');
        count.className = 'count';
        count.textContent = String(p.tallies[i]);
        button.append(bar, label, count);
        button.addEventListener('click', () => this.#vote(p.id, i));
        item.append(button);
      });
      if (!p.closed && role === 'participant' && (moderator || p.createdBy === you)) {
        const close = document.createElement('button');
        close.type = 'button';
        close.className = 'close-poll';
        close.textContent = 'Close poll';
        close.addEventListener('click', () => this.#send({ type: 'poll.close', id: 'poll-close', poll: p.id }));
        item.append(close);
      }
      return item;
    }));
  }
}
