package dev.goroscope.correlate;

/**
 * An immutable list of live deadline contexts. A goroutine's list names the contexts whose
 * scope its children join when it spawns them; children share the list (no copy per spawn)
 * until a context in it ends, when the spawning goroutine's list is rebuilt without it.
 */
final class ScopeNode {
  final LiveContext context;
  final ScopeNode next;

  ScopeNode(LiveContext context, ScopeNode next) {
    this.context = context;
    this.next = next;
  }
}
