// DOMException, Event and EventTarget: the small DOM base the web globals build on
// (structuredClone's DataCloneError, atob's InvalidCharacterError, AbortSignal's events).
(function (ops, details, Nexus, dispatch, primordials) {
  'use strict';

  const {
    ArrayPrototypePush, ArrayPrototypeSlice, ArrayPrototypeSplice, ArrayPrototypeUnshift, Error,
    FunctionPrototypeCall, SafeMap, SyntaxError, TypeError,
  } = primordials;

  // The legacy codes some code still compares against, by name.
  const codes = {
    __proto__: null,
    IndexSizeError: 1, HierarchyRequestError: 3, WrongDocumentError: 4, InvalidCharacterError: 5,
    NoModificationAllowedError: 7, NotFoundError: 8, NotSupportedError: 9, InvalidStateError: 11,
    SyntaxError: 12, InvalidModificationError: 13, NamespaceError: 14, InvalidAccessError: 15,
    TypeMismatchError: 17, SecurityError: 18, NetworkError: 19, AbortError: 20, URLMismatchError: 21,
    QuotaExceededError: 22, TimeoutError: 23, InvalidNodeTypeError: 24, DataCloneError: 25,
  };

  class DOMException extends Error {
    #name;
    constructor(message = '', name = 'Error') {
      super(`${message}`);
      this.#name = `${name}`;
    }
    get name() { return this.#name; }
    get code() { return codes[this.#name] || 0; }
  }

  // Set by Event's static block: the dispatcher's access to an event's private state.
  let setTarget;
  let isStopped;

  class Event {
    #type;
    #stopped = false;
    #target = null;
    #defaultPrevented = false;
    constructor(type, options = {}) {
      if (arguments.length === 0) throw new TypeError('Event: the type argument is required');
      this.#type = `${type}`;
      this.cancelable = !!(options && options.cancelable);
      this.timeStamp = ops.now();
    }
    get type() { return this.#type; }
    get target() { return this.#target; }
    get currentTarget() { return this.#target; }
    get defaultPrevented() { return this.#defaultPrevented; }
    preventDefault() { if (this.cancelable) this.#defaultPrevented = true; }
    stopImmediatePropagation() { this.#stopped = true; }
    // A target has no parents to propagate to: nothing to stop.
    stopPropagation() {}
    static {
      setTarget = (event, target) => { event.#target = target; };
      isStopped = (event) => event.#stopped;
    }
  }

  // The index of `listener` in a list of { listener, once }, or -1.
  const indexOf = (list, listener) => {
    for (let i = 0; i < list.length; i++) if (list[i].listener === listener) return i;
    return -1;
  };

  // Listeners run synchronously in registration order, like the DOM's; an exception in one is
  // reported as uncaught and does not stop the others.
  class EventTarget {
    #listeners = new SafeMap();
    addEventListener(type, listener, options) {
      if (listener === null || listener === undefined) return;
      if (typeof listener !== 'function' && typeof listener.handleEvent !== 'function') {
        throw new TypeError('addEventListener: the listener must be a function or have handleEvent');
      }
      const once = typeof options === 'object' && options !== null && !!options.once;
      const signal = typeof options === 'object' && options !== null ? options.signal : undefined;
      if (signal && signal.aborted) return;
      let list = this.#listeners.get(`${type}`);
      if (!list) this.#listeners.set(`${type}`, (list = []));
      if (indexOf(list, listener) >= 0) return;
      ArrayPrototypePush(list, { listener, once });
      if (signal) signal.addEventListener('abort', () => this.removeEventListener(type, listener), { once: true });
    }
    removeEventListener(type, listener) {
      const list = this.#listeners.get(`${type}`);
      if (!list) return;
      const i = indexOf(list, listener);
      if (i >= 0) ArrayPrototypeSplice(list, i, 1);
    }
    dispatchEvent(event) {
      if (!(event instanceof Event)) throw new TypeError('dispatchEvent: the argument must be an Event');
      setTarget(event, this);
      const handler = this[`on${event.type}`];
      const list = ArrayPrototypeSlice(this.#listeners.get(event.type) || []);
      if (typeof handler === 'function') ArrayPrototypeUnshift(list, { listener: handler, once: false });
      for (let i = 0; i < list.length; i++) {
        const entry = list[i];
        if (entry.once) this.removeEventListener(event.type, entry.listener);
        try {
          if (typeof entry.listener === 'function') FunctionPrototypeCall(entry.listener, this, event);
          else entry.listener.handleEvent(event);
        } catch (err) {
          ops.reportUncaught(err);
        }
        if (isStopped(event)) break;
      }
      return !event.defaultPrevented;
    }
  }

  // Other parts take them from here: a program may have replaced the globals.
  dispatch.dom = { DOMException, Event, EventTarget };
  dispatch.defineGlobals({ DOMException, Event, EventTarget });
});
