/// The outcome of offering one key.
enum KeyOffer {
    case accepted
    case refused
    /// The key could not be offered at all (unreadable, unsupported, passphrase-protected).
    case unusable(String)
}
