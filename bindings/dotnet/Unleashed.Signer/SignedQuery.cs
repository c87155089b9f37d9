namespace Unleashed.Signer
{
    /// <summary>A query built by <c>SigningKey.BuildQuery</c> and its signature, from the same parameters.</summary>
    public sealed class SignedQuery
    {
        internal SignedQuery(string query, string signature)
        {
            Query = query;
            Signature = signature;
        }

        /// <summary>The percent-encoded query to send after <c>?</c> (ASCII, <c>name=value&amp;...</c>).</summary>
        public string Query { get; }

        /// <summary>The 44-character signature for <c>api-auth-signature</c>.</summary>
        public string Signature { get; }

        /// <summary>The query.</summary>
        public override string ToString()
        {
            return Query;
        }
    }
}
