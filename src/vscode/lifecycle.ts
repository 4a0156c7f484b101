// The lifecycle of the extension's long-lived objects: a Disposable base that owns what it
// registers and disposes it once, newest first. Typed structurally (anything with dispose()), so it
// needs no vscode import and its rules are unit-tested without a VS Code host.

/** Anything that can be disposed: a vscode.Disposable, an EventEmitter, a watcher, a subscription. */
export interface IDisposable {
  dispose(): void;
}

/** Disposes each, newest first; one that throws does not keep the others alive (the first error is rethrown). */
export function disposeAll(items: readonly IDisposable[]): void {
  let first: unknown;
  let failed = false;
  for (let i = items.length - 1; i >= 0; i--) {
    try {
      items[i]!.dispose();
    } catch (err) {
      if (!failed) first = err;
      failed = true;
    }
  }
  if (failed) throw first;
}

/** A disposable made of a function (a listener removal, a timer clearance). */
export function toDisposable(fn: () => void): IDisposable {
  let done = false;
  return {
    dispose: () => {
      if (done) return;
      done = true;
      fn();
    },
  };
}

export abstract class Disposable implements IDisposable {
  private readonly owned: IDisposable[] = [];
  private disposed = false;

  protected get isDisposed(): boolean {
    return this.disposed;
  }

  /**
   * Takes ownership of `item`: it is disposed with this object. Registering after this object was
   * disposed disposes the item at once, so nothing registered late outlives its owner.
   */
  protected _register<T extends IDisposable>(item: T): T {
    if (this.disposed) item.dispose();
    else this.owned.push(item);
    return item;
  }

  /** Disposes everything registered, newest first, once; later calls do nothing. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const items = this.owned.splice(0);
    disposeAll(items);
  }
}
