// Nexus.EventEmitter: emit() runs every handler as a task of its own and resolves to their results.
(function (ops, details, Nexus, dispatch, primordials) {
  'use strict';

  const {
    Array, ArrayPrototypeSplice, FunctionCall, Number, ObjectDefineProperty, PromisePrototypeThen,
    PromiseResolve, RangeError, ReflectApply, SafeMap, TypeError,
  } = primordials;

  dispatch.load('nexus:scheduler');
  dispatch.load('nexus:promises');
  const { newPromise, resolvePromise, rejectPromise } = dispatch;

  // The handlers of one event. `fns` is replaced, never changed in place, so an emit keeps the
  // snapshot it started with without copying it; `limited` counts the handlers with a count.
  class Handlers {
    constructor() {
      this.entries = []; // { fn, remaining }, in registration order
      this.fns = [];
      this.limited = 0;
    }

    add(fn, count) {
      this.entries[this.entries.length] = { fn, remaining: count };
      this.changed();
    }

    changed() {
      const { entries } = this;
      const fns = new Array(entries.length);
      let limited = 0;
      for (let i = 0; i < entries.length; i++) {
        fns[i] = entries[i].fn;
        if (entries[i].remaining !== Infinity) limited++;
      }
      this.fns = fns;
      this.limited = limited;
    }

    // One more emit: handlers whose count runs out are removed.
    spend() {
      let removed = false;
      for (let i = this.entries.length - 1; i >= 0; i--) {
        if (--this.entries[i].remaining <= 0) {
          ArrayPrototypeSplice(this.entries, i, 1);
          removed = true;
        }
      }
      if (removed) this.changed();
    }
  }

  class EventEmitter {
    #handlers = new SafeMap(); // event -> Handlers

    on(event, fn) { return this.#add(event, fn, Infinity); }
    once(event, fn) { return this.#add(event, fn, 1); }

    many(event, fn, count) {
      const times = Number(count);
      if (!(times >= 1)) throw new RangeError(`EventEmitter.many: count must be at least 1, got ${count}`);
      return this.#add(event, fn, times);
    }

    // on() and once() come here directly: converting their constant counts along with the
    // caller's made the JIT's code for many() fail its number speculation over and over.
    #add(event, fn, count) {
      if (typeof fn !== 'function') throw new TypeError(`EventEmitter: the handler for '${String(event)}' must be a function`);
      let handlers = this.#handlers.get(event);
      if (handlers === undefined) this.#handlers.set(event, (handlers = new Handlers()));
      handlers.add(fn, count);
      return this;
    }

    off(event, fn) {
      const handlers = this.#handlers.get(event);
      if (handlers === undefined) return this;
      const { entries } = handlers;
      for (let i = 0; i < entries.length; i++) {
        if (entries[i].fn === fn) {
          ArrayPrototypeSplice(entries, i, 1);
          handlers.changed();
          break;
        }
      }
      return this;
    }

    allOff(event) {
      if (event === undefined) this.#handlers.clear();
      else this.#handlers.delete(event);
      return this;
    }

    listenerCount(event) { return this.#handlers.get(event)?.fns.length ?? 0; }

    emit(event, ...args) {
      const handlers = this.#handlers.get(event);
      if (handlers === undefined || handlers.fns.length === 0) return PromiseResolve([]);
      const fns = handlers.fns;
      if (handlers.limited !== 0) handlers.spend();
      const promise = newPromise();
      dispatch.enqueue(runHandlers, new Emission(this, fns, args, promise));
      return promise;
    }

    // emit() for the runtime's own event sources (a WebSocket's messages), called from the task
    // native code runs for them: the handlers run now instead of as tasks queued behind it, each
    // after the promise jobs queued before it, so each is still a task of its own. Not for a
    // source that hears through a promise (UDP's receive): inside a promise job, the jobs a
    // handler queues cannot run before the next handler (drains do not nest). There is no
    // Promise of results, which nobody holds there: a handler that throws or rejects goes to
    // dispatch.emitFailure (the 'error' event, else reported). Every handler gets (a, b).
    static {
      dispatch.deliver = (target, event, a, b) => {
        const handlers = target.#handlers.get(event);
        if (handlers === undefined || handlers.fns.length === 0) return;
        const fns = handlers.fns;
        if (handlers.limited !== 0) handlers.spend();
        for (let i = 0; i < fns.length; i++) {
          dispatch.runMicrotasks();
          const fn = fns[i];
          let result;
          try {
            if (fn.call !== FunctionCall) result = ReflectApply(fn, target, [a, b]);
            else result = fn.call(target, a, b);
          } catch (error) {
            dispatch.emitFailure(target, error);
            continue;
          }
          if (result !== null && (typeof result === 'object' || typeof result === 'function')) deliverObject(target, result);
        }
      };
    }
  }

  // A thenable a delivered handler returned: its failure is the handler's.
  function deliverObject(target, result) {
    if (typeof result.then === 'function') PromisePrototypeThen(PromiseResolve(result), undefined, (error) => dispatch.emitFailure(target, error));
  }

  // One emit in flight: one promise for all its handlers (what Promise.all over one promise per
  // handler would give, at a fraction of the allocations): results in registration order, a
  // returned promise or thenable awaited, the first failure rejects.
  class Emission {
    constructor(target, fns, args, promise) {
      this.target = target;
      this.fns = fns;
      this.args = args;
      this.results = new Array(fns.length);
      this.waiting = fns.length;
      this.promise = promise;
    }

    settle(i, value) {
      this.results[i] = value;
      if (--this.waiting === 0) resolvePromise(this.promise, this.results);
    }

    fail(error) { rejectPromise(this.promise, error); }
  }

  // An emit's handlers as consecutive tasks, in one entry of the task queue: nothing queued can
  // come between tasks queued together, and each handler's promise jobs run before the next
  // handler, as they do after every task (the last one's after this entry). One entry instead of
  // one per handler makes an emit about a tenth cheaper. A returned object, the rare case, goes
  // to settleObject, which keeps the thenable path out of this loop.
  function runHandlers(emission) {
    const { fns, target, args } = emission;
    for (let i = 0; i < fns.length; i++) {
      if (i > 0) dispatch.runMicrotasks();
      const fn = fns[i];
      let result;
      try {
        // While `fn.call` is the engine's own, `fn.call(target, x)` is a direct call the JIT
        // inlines: a bound handler or Reflect.apply costs an emit of four handlers a tenth more.
        // A program that replaced Function.prototype.call gets Reflect.apply. An apply with an
        // array the engine cannot see through costs a varargs copy; most events carry one value or
        // none.
        if (fn.call !== FunctionCall) result = ReflectApply(fn, target, args);
        else if (args.length === 1) result = fn.call(target, args[0]);
        else if (args.length === 0) result = fn.call(target);
        else result = ReflectApply(fn, target, args);
      } catch (error) {
        emission.fail(error);
        continue;
      }
      if (result !== null && (typeof result === 'object' || typeof result === 'function')) settleObject(emission, i, result);
      else emission.settle(i, result);
    }
  }

  // A returned promise or thenable is awaited; any other object is the result.
  function settleObject(emission, i, result) {
    if (typeof result.then !== 'function') emission.settle(i, result);
    else PromisePrototypeThen(PromiseResolve(result), (value) => emission.settle(i, value), (error) => emission.fail(error));
  }
  dispatch.EventEmitter = EventEmitter;
  ObjectDefineProperty(Nexus, 'EventEmitter', { __proto__: null, value: EventEmitter, enumerable: true });
});
