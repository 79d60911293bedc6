// The chat panel: history and live messages in main's order, the send box, and the moderator's visitor-chat switch.
// docs/conference-features.md describes the protocol; nothing here talks to the socket but through `send`.

const MAX_SHOWN = 500;

/** Binds the chat panel's elements; `send(message)` hands a request to the session. */
export class ChatPanel {
  #el;
  #send;
  #messages = [];
  #role = null;
  #visitorChat = true;
  #moderator = false;
  #pending = new Set();
  #recipients = [];

  constructor(elements, send) {
    this.#el = elements;
    this.#send = send;
    elements.form.addEventListener('submit', (event) => {
      event.preventDefault();
      const text = elements.text.value.trim();
      if (!text) return;
      const id = `c${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
      const message = { type: 'chat.send', id, text };
      // A private message goes to one other participant; only participants get the choice (the server checks it too).
      if (this.#role === 'participant' && elements.to.value) message.to = elements.to.value;
      if (this.#send(message)) {
        this.#pending.add(id);
        elements.text.value = '';
        this.#note(null);
      } else {
        this.#note('Not connected; try again in a moment.');
      }
    });
    elements.to.addEventListener('change', () => this.#placeholder());
    elements.toggle.addEventListener('change', () => {
      this.#send({ type: 'mod.visitor-chat', enabled: elements.toggle.checked });
    });
  }

  /** The messages shown, oldest first (test hook). */
  get messages() {
    return this.#messages;
  }

  /** The client's role changed (joined as participant or visitor). */
  setRole(role) {
    this.#role = role;
    this.#render();
  }

  /** The participants a private message can go to: everyone on stage but this client ({id, name}). */
  setRecipients(participants) {
    const next = participants.map((p) => ({ id: p.id, name: p.name }));
    if (JSON.stringify(next) === JSON.stringify(this.#recipients)) return;
    this.#recipients = next;
    const select = this.#el.to;
    const chosen = select.value;
    const everyone = document.createElement('option');
    everyone.value = '';
    everyone.textContent = 'Everyone';
    select.replaceChildren(everyone, ...next.map((p) => {
      const option = document.createElement('option');
      option.value = p.id;
      // textContent: names are other people's input.
      option.textContent = p.name;
      return option;
    }));
    // A recipient who left the stage falls back to everyone, never to someone else.
    select.value = next.some((p) => p.id === chosen) ? chosen : '';
    this.#render();
  }

  /** Handles a server message; false when it is not the chat's. */
  handle(m) {
    switch (m.type) {
      case 'chat.history':
        // Every (re)join starts from the server's history: nothing shown twice, nothing missed.
        this.#messages = Array.isArray(m.messages) ? m.messages.slice(-MAX_SHOWN) : [];
        this.#renderLog();
        return true;
      case 'chat':
        if (this.#messages.some((x) => x.seq === m.seq)) return true;
        this.#messages.push(m);
        if (this.#messages.length > MAX_SHOWN) this.#messages.shift();
        this.#renderLog();
        return true;
      case 'chat.settings':
        this.#visitorChat = !!m.visitorChat;
        this.#moderator = !!m.moderator;
        this.#render();
        return true;
      case 'error':
        if (m.inReplyTo && this.#pending.delete(m.inReplyTo)) {
          this.#note(m.code === 'forbidden' ? m.message : `Not sent: ${m.message}`);
          return true;
        }
        return false;
      default:
        return false;
    }
  }

  #render() {
    const el = this.#el;
    const muted = this.#role === 'visitor' && !this.#visitorChat;
    el.form.hidden = muted || this.#role === null;
    el.closed.hidden = !muted;
    el.moderation.hidden = !this.#moderator;
    el.toggle.checked = this.#visitorChat;
    el.to.hidden = this.#role !== 'participant' || this.#recipients.length === 0;
    if (el.to.hidden) el.to.value = '';
    this.#placeholder();
  }

  #placeholder() {
    const to = this.#recipients.find((p) => p.id === this.#el.to.value);
    this.#el.text.placeholder = to ? `Message ${to.name} privately` : 'Message everyone';
  }

  #renderLog() {
    const log = this.#el.log;
    const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
    log.replaceChildren(...this.#messages.map((m) => {
      const item = document.createElement('li');
      item.className = m.private ? 'private' : '';
      item.dataset.seq = String(m.seq);
      const who = document.createElement('span');
      who.className = `who ${m.from?.role === 'visitor' ? 'visitor' : ''}`;
      who.textContent = `${m.from?.name ?? '?'}${m.private ? ' (private)' : ''}`;
      const text = document.createElement('span');
      text.className = 'text';
      // textContent, never innerHTML: chat text is other people's input.
      text.textContent = m.text;
      item.append(who, text);
      return item;
    }));
    if (atBottom) log.scrollTop = log.scrollHeight;
  }

  #note(text) {
    this.#el.note.textContent = text ?? '';
    this.#el.note.hidden = !text;
  }
}
