// jstat ships no types; these are the two quantile functions aiprov uses (jstat 1.9.6, dist/jstat.js, a CommonJS module).
declare module 'jstat' {
  const jstat: {
    jStat: {
      beta: { inv(p: number, alpha: number, beta: number): number };
      chisquare: { inv(p: number, dof: number): number };
    };
  };
  export default jstat;
}
