import '@beckon/ui/styles.css';
import '../../call-demo/src/app.css';
import './classroom.css';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';

const root = document.getElementById('root');
if (root) createRoot(root).render(<App />);
