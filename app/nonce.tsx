import { createContext, useContext } from "react";

// The server renders with this response's CSP nonce; in the browser it is "" (browsers hide
// nonce values from the DOM, and hydration does not need them).
export const NonceContext = createContext("");
export const useNonce = () => useContext(NonceContext);
