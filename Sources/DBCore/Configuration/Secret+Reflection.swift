extension Secret: CustomReflectable {
    /// A mirror with no children, so `dump`, debuggers' summaries and `Mirror`-based printers never reach the text.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
